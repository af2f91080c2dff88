'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { QueryTable } from '@/components/ui/query-table';
import type { Column } from '@/components/ui/table';
import { runHref } from '@/features/runs/runs.documents';
import { CopyableValue } from '@/features/settings/form-controls';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { DeliveryReplay } from './delivery-replay';
import { WebhookDeliveriesDocument, type WebhookDeliveryRow } from './integration-detail.documents';
import styles from './integration-detail.module.css';
import { OutcomeBadge } from './outcome-badge';
import { RefreshableSection } from './refreshable-section';
import { countOutcomes, formatReceivedAt, integrationWebhookPath } from './webhook-deliveries';

const SHOWN = 50;

/**
 * What the SCM server sent to `/webhooks/<id>` and what Cyclone made of it, newest first:
 * the place to find out why a push started nothing (unsigned, wrong secret, too large …).
 */
export function WebhookDeliveriesPanel({
  tenant,
  name,
  integrationId,
}: {
  tenant: string;
  name: string;
  integrationId: string;
}) {
  const { t, locale } = useI18n();
  const query = useQuery({
    queryKey: queryKeys.integrations.webhookDeliveries(tenant, name),
    queryFn: ({ signal }) => request(WebhookDeliveriesDocument, { tenant, name, first: SHOWN }, { signal }),
  });
  const rows = query.data?.integration?.webhookDeliveries ?? [];
  const counts = countOutcomes(rows);
  const origin = typeof window === 'undefined' ? '' : window.location.origin;
  const [explainedId, setExplainedId] = useState<string | null>(null);
  const explained = rows.find((d) => d.id === explainedId);

  const columns: Column<WebhookDeliveryRow>[] = [
    {
      id: 'received',
      header: t('deliveries.col.received'),
      sortValue: (d) => d.receivedAt,
      cell: (d) => (
        <time className={styles.nowrap} dateTime={d.receivedAt}>
          {formatReceivedAt(d.receivedAt, locale)}
        </time>
      ),
    },
    {
      id: 'event',
      header: t('deliveries.col.event'),
      sortValue: (d) => d.event,
      // The delivery id sits under its event: two short values, one column, so the reason keeps room.
      cell: (d) => (
        <span className={styles.stack}>
          {d.event ? (
            <code className={`${styles.mono} ${styles.nowrap}`}>{d.event}</code>
          ) : (
            <span className={styles.muted}>{t('deliveries.noEvent')}</span>
          )}
          {d.deliveryId ? (
            <code className={`${styles.muted} ${styles.deliveryId}`} title={d.deliveryId}>
              <span className="visually-hidden">{t('deliveries.col.deliveryId')}: </span>
              {d.deliveryId}
            </code>
          ) : (
            <span className={styles.muted}>{t('deliveries.noDeliveryId')}</span>
          )}
        </span>
      ),
    },
    {
      id: 'outcome',
      header: t('deliveries.col.outcome'),
      sortValue: (d) => d.outcome,
      cell: (d) => <OutcomeBadge outcome={d.outcome} />,
    },
    {
      id: 'status',
      header: t('deliveries.col.status'),
      sortValue: (d) => d.status,
      align: 'end',
      cell: (d) => <span className={styles.mono}>{d.status}</span>,
    },
    {
      id: 'reason',
      header: t('deliveries.col.reason'),
      // A rejected delivery was never verified, so nothing of it was kept to explain.
      cell: (d) => (
        <span className={styles.stack}>
          <span className={styles.reason}>{d.reason}</span>
          {d.outcome === 'REJECTED' ? null : (
            <span>
              <Button
                size="sm"
                variant="ghost"
                aria-pressed={d.id === explainedId}
                onClick={() => setExplainedId(d.id === explainedId ? null : d.id)}
              >
                {t('deliveries.replay.open')}
              </Button>
            </span>
          )}
        </span>
      ),
    },
    {
      id: 'runs',
      header: t('deliveries.col.runs'),
      sortValue: (d) => d.runs.length,
      cell: (d) =>
        d.runs.length === 0 ? (
          <span className={styles.muted}>{t('deliveries.noRuns')}</span>
        ) : (
          <ul className={styles.runList}>
            {d.runs.map((run) => (
              <li key={run.id}>
                <Link href={runHref(run)} className={styles.link}>
                  {t('deliveries.runLabel', { workflow: run.workflow.name, number: run.number })}
                </Link>
              </li>
            ))}
          </ul>
        ),
    },
  ];

  return (
    <RefreshableSection
      id="webhook-deliveries"
      title={t('deliveries.title')}
      hint={t('deliveries.hint', { count: SHOWN })}
      query={query}
    >
      <div className={styles.webhookUrl}>
        <p className={styles.label}>{t('deliveries.webhookUrl')}</p>
        <CopyableValue value={`${origin}${integrationWebhookPath(integrationId)}`} label={t('deliveries.copyUrl')} />
      </div>
      {rows.length > 0 ? (
        <p className={styles.summary} aria-live="polite">
          {t('deliveries.summary', {
            total: rows.length,
            accepted: counts.ACCEPTED,
            ignored: counts.IGNORED,
            rejected: counts.REJECTED,
            failed: counts.FAILED,
          })}
        </p>
      ) : null}
      <QueryTable
        query={query}
        loadFailed={t('deliveries.loadFailed')}
        caption={t('deliveries.title')}
        columns={columns}
        rows={rows}
        rowKey={(d) => d.id}
        initialSort={{ columnId: 'received', direction: 'descending' }}
        empty={{ headingLevel: 3, title: t('deliveries.emptyTitle'), description: t('deliveries.emptyBody') }}
      />
      {explained ? <DeliveryReplay key={explained.id} tenant={tenant} name={name} delivery={explained} /> : null}
    </RefreshableSection>
  );
}
