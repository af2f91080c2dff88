'use client';

import { type FormEvent, useId, useState } from 'react';
import { Button, RemoveRowButton } from '@/components/ui/button';
import { urlHost } from '@/features/dag-editor/model/delegation';
import { hasRole } from '@/features/settings/roles';
import { useI18n } from '@/i18n/i18n-provider';
import { ActionError } from './action-error';
import type { StageRun } from './runs.documents';
import styles from './runs.module.css';
import { useCompleteDelegatedStage } from './use-run';
import { useRunMember } from './use-run-member';

/** The system and URL a delegated stage hands its work to (the run graph's `delegation`). */
export interface RunDelegation {
  type: string;
  url: string;
}

type Outcome = 'SUCCEEDED' | 'FAILED';

/**
 * A delegated stage on the run page: which system has its work and where, and, while it
 * waits, "Complete" for developers and above: the stage ends as the system's callback
 * would (completeDelegatedStage), e.g. when the system cannot call back.
 */
export function DelegationPanel({
  runId,
  tenant,
  stage,
  delegation,
}: {
  runId: string;
  tenant: string;
  stage: StageRun;
  /** Undefined until the run's version is read. */
  delegation?: RunDelegation;
}) {
  const { t } = useI18n();
  const member = useRunMember(tenant);
  const [isCompleting, setCompleting] = useState(false);
  const type = delegation?.type || t('runs.delegation.someSystem');
  const host = delegation ? urlHost(delegation.url) : undefined;
  const isWaiting = stage.phase === 'WAITING';
  const mayComplete = member !== undefined && hasRole(member.role, 'DEVELOPER');
  const titleId = `delegation-${stage.name}-title`;
  return (
    // Boxed in the waiting colour while it waits (as a gate is); a plain line once it has ended.
    <section
      className={isWaiting ? styles.gate : styles.delegationEnded}
      aria-labelledby={titleId}
      data-testid={`delegation-${stage.name}`}
    >
      <h3 id={titleId} className={styles.subTitle}>
        {t(isWaiting ? 'runs.delegation.waiting' : 'runs.delegation.delegated', { type })}
        {host ? <span className={styles.muted}> {t('runs.delegation.at', { host })}</span> : null}
      </h3>
      {!isWaiting ? null : isCompleting ? (
        <CompleteForm runId={runId} stage={stage.name} onDone={() => setCompleting(false)} />
      ) : mayComplete ? (
        <p className={styles.completeRow}>
          <Button size="sm" onClick={() => setCompleting(true)}>
            {t('runs.delegation.complete')}
          </Button>
          <span className={styles.muted}>{t('runs.delegation.completeHint')}</span>
        </p>
      ) : member ? (
        <p className={styles.muted}>{t('runs.delegation.notYours', { role: member.role })}</p>
      ) : null}
    </section>
  );
}

/** The outcome, the outputs (a success only: a failure reports none) and a message. */
function CompleteForm({ runId, stage, onDone }: { runId: string; stage: string; onDone: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const complete = useCompleteDelegatedStage(runId);
  const [phase, setPhase] = useState<Outcome>('SUCCEEDED');
  const [outputs, setOutputs] = useState<{ key: string; value: string }[]>([]);
  const [message, setMessage] = useState('');
  const setOutput = (index: number, patch: Partial<{ key: string; value: string }>) =>
    setOutputs(outputs.map((output, i) => (i === index ? { ...output, ...patch } : output)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const given = outputs.filter((o) => o.key.trim()).map((o) => ({ key: o.key.trim(), value: o.value }));
    complete.mutate({ stage, phase, outputs: phase === 'SUCCEEDED' ? given : [], message }, { onSuccess: onDone });
  };
  return (
    <form className={styles.decisionForm} onSubmit={submit} aria-label={t('runs.delegation.formLabel', { stage })}>
      <fieldset className={styles.outcome}>
        <legend>{t('runs.delegation.outcome')}</legend>
        {(['SUCCEEDED', 'FAILED'] as const).map((outcome) => (
          <label key={outcome}>
            <input
              type="radio"
              name={`${id}-outcome`}
              value={outcome}
              checked={phase === outcome}
              onChange={() => setPhase(outcome)}
            />
            {t(`runs.delegation.outcome.${outcome}`)}
          </label>
        ))}
      </fieldset>
      {phase === 'SUCCEEDED' ? (
        <fieldset className={styles.outputRows}>
          <legend>{t('runs.delegation.outputs')}</legend>
          {outputs.map((output, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their position
            <div key={index} className={styles.outputRow}>
              <input
                aria-label={t('runs.delegation.outputKey', { index: index + 1 })}
                placeholder="version"
                value={output.key}
                onChange={(e) => setOutput(index, { key: e.target.value })}
                spellCheck={false}
              />
              <input
                aria-label={t('runs.delegation.outputValue', { index: index + 1 })}
                placeholder="1.2.3"
                value={output.value}
                onChange={(e) => setOutput(index, { value: e.target.value })}
              />
              <RemoveRowButton
                label={t('runs.delegation.removeOutput', { index: index + 1 })}
                onClick={() => setOutputs(outputs.filter((_, i) => i !== index))}
              />
            </div>
          ))}
          <Button size="sm" variant="ghost" onClick={() => setOutputs([...outputs, { key: '', value: '' }])}>
            + {t('runs.delegation.addOutput')}
          </Button>
        </fieldset>
      ) : null}
      <div className={styles.decisionField}>
        <label htmlFor={`${id}-message`}>{t('runs.delegation.message')}</label>
        <textarea id={`${id}-message`} rows={2} value={message} onChange={(e) => setMessage(e.target.value)} />
      </div>
      <ActionError error={complete.error} />
      <div className={styles.decisionActions}>
        <Button type="submit" variant={phase === 'FAILED' ? 'danger' : 'primary'} loading={complete.isPending}>
          {t('runs.delegation.submit')}
        </Button>
        <Button disabled={complete.isPending} onClick={onDone}>
          {t('runs.delegation.cancel')}
        </Button>
      </div>
    </form>
  );
}

/** Above the graph while a delegated stage waits: what for, and the way to its panel. */
export function DelegationWaiting({
  stage,
  delegation,
  onReview,
}: {
  stage: StageRun;
  delegation?: RunDelegation;
  onReview: () => void;
}) {
  const { t } = useI18n();
  const titleId = `delegation-waiting-${stage.name}-title`;
  return (
    <section
      className={styles.approval}
      role="status"
      aria-labelledby={titleId}
      data-testid={`delegation-waiting-${stage.name}`}
    >
      <h2 id={titleId} className={styles.approvalTitle}>
        {t('runs.delegation.waitingTitle', {
          stage: stage.name,
          type: delegation?.type || t('runs.delegation.someSystem'),
        })}
      </h2>
      <p>
        {stage.message}{' '}
        <Button size="sm" onClick={onReview}>
          {t('runs.delegation.review')}
        </Button>
      </p>
    </section>
  );
}
