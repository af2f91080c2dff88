'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { TriggerVerdicts } from '@/features/triggers/trigger-verdicts';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { ReplayWebhookDeliveryDocument, type WebhookDeliveryRow } from './integration-detail.documents';
import styles from './integration-detail.module.css';

/**
 * One delivery explained again against today's triggers (a dry run starts nothing),
 * with a button to act on it again for real.
 */
export function DeliveryReplay({
  tenant,
  name,
  delivery,
}: {
  tenant: string;
  name: string;
  delivery: WebhookDeliveryRow;
}) {
  const t = useT();
  const client = useQueryClient();
  const replay = useMutation({
    mutationFn: (dryRun: boolean) => request(ReplayWebhookDeliveryDocument, { id: delivery.id, dryRun }),
    onSuccess: (_data, dryRun) => {
      if (!dryRun) void client.invalidateQueries({ queryKey: queryKeys.integrations.webhookDeliveries(tenant, name) });
    },
  });
  const rows = replay.data?.replayWebhookDelivery;
  const wasReal = replay.variables === false && replay.isSuccess;
  return (
    <section className={styles.replay} aria-label={t('deliveries.replay.title', { event: delivery.event })}>
      <div className={styles.replayActions}>
        <Button size="sm" onClick={() => replay.mutate(true)} loading={replay.isPending && replay.variables}>
          {t('deliveries.replay.dryRun')}
        </Button>
        <Button
          size="sm"
          variant="primary"
          onClick={() => replay.mutate(false)}
          loading={replay.isPending && replay.variables === false}
        >
          {t('deliveries.replay.run')}
        </Button>
        {wasReal ? <span role="status">{t('deliveries.replay.done')}</span> : null}
      </div>
      <ErrorState title={t('deliveries.replay.failed')} error={replay.error} />
      {rows ? (
        rows.length === 0 ? (
          <p className={styles.muted}>{t('deliveries.replay.noTriggers')}</p>
        ) : (
          <TriggerVerdicts
            rows={rows}
            label={t('deliveries.replay.verdicts')}
            wouldStart={t('deliveries.replay.wouldStart')}
            wouldNotStart={t('deliveries.replay.wouldNotStart')}
          />
        )
      ) : null}
    </section>
  );
}
