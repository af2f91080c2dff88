'use client';

import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { TextField } from '@/components/ui/text-field';
import { SCM_TYPES } from '@/features/integrations/integration-forms';
import { SelectField } from '@/features/settings/form-controls';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { TriggerVerdicts } from './trigger-verdicts';
import { SimulateTriggerDocument, type SimulateTriggerInput } from './triggers.documents';
import styles from './triggers.module.css';

const EVENTS = ['PUSH', 'TAG', 'PULL_REQUEST', 'COMMENT'] as const;
type SimulatedEvent = (typeof EVENTS)[number];

/**
 * "Test the triggers": describe a repository event and see, for every trigger of the
 * tenant, whether it would start a run and why (simulateTrigger; nothing starts).
 */
export function TriggerTestForm({
  tenant,
  integrations,
}: {
  tenant: string;
  integrations: readonly { name: string; type: string }[];
}) {
  const t = useT();
  const scm = integrations.filter((i) => (SCM_TYPES as readonly string[]).includes(i.type));
  const [integration, setIntegration] = useState('');
  const [event, setEvent] = useState<SimulatedEvent>('PUSH');
  const [repository, setRepository] = useState('');
  const [ref, setRef] = useState('');
  const [comment, setComment] = useState('');
  const [author, setAuthor] = useState('');
  const simulate = useMutation({
    mutationFn: (input: SimulateTriggerInput) => request(SimulateTriggerDocument, { input }),
  });
  if (scm.length === 0) return null;

  const chosen = integration || (scm[0]?.name ?? '');
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    simulate.mutate({
      tenant,
      integration: chosen,
      event,
      repository: repository.trim(),
      branch: event === 'TAG' ? null : ref.trim() || null,
      tag: event === 'TAG' ? ref.trim() || null : null,
      comment: event === 'COMMENT' ? comment.trim() || null : null,
      author: author.trim() || null,
    });
  };
  const rows = simulate.data?.simulateTrigger;
  return (
    <section className={`${styles.preview} ${styles.testPanel}`} aria-labelledby="trigger-test-title">
      <h2 id="trigger-test-title" className={styles.previewTitle}>
        {t('triggerTest.title')}
      </h2>
      <p className={styles.muted}>{t('triggerTest.hint')}</p>
      <form className={styles.testForm} onSubmit={onSubmit}>
        <SelectField
          label={t('triggerTest.integration')}
          value={chosen}
          onChange={(e) => setIntegration(e.target.value)}
          options={scm.map((i) => ({ value: i.name, label: i.name }))}
        />
        <SelectField
          label={t('triggerTest.event')}
          value={event}
          onChange={(e) => setEvent(e.target.value as SimulatedEvent)}
          options={EVENTS.map((value) => ({ value, label: t(`triggerTest.event.${value}`) }))}
        />
        <TextField
          label={t('triggerTest.repository')}
          value={repository}
          onChange={(e) => setRepository(e.target.value)}
          required
        />
        <TextField
          label={event === 'TAG' ? t('triggerTest.tag') : t('triggerTest.branch')}
          value={ref}
          onChange={(e) => setRef(e.target.value)}
        />
        {event === 'COMMENT' ? (
          <TextField label={t('triggerTest.comment')} value={comment} onChange={(e) => setComment(e.target.value)} />
        ) : null}
        <TextField label={t('triggerTest.author')} value={author} onChange={(e) => setAuthor(e.target.value)} />
        <Button type="submit" variant="primary" loading={simulate.isPending}>
          {t('triggerTest.submit')}
        </Button>
      </form>
      <ErrorState title={t('triggerTest.failed')} error={simulate.error} />
      {rows ? (
        <TriggerVerdicts
          rows={rows}
          label={t('triggerTest.verdicts')}
          wouldStart={t('triggerTest.wouldStart')}
          wouldNotStart={t('triggerTest.wouldNotStart')}
        />
      ) : null}
    </section>
  );
}
