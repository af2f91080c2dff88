'use client';

import { approversText, mayDecideApproval } from '@cyclone/domain';
import { type FormEvent, useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import { useI18n } from '@/i18n/i18n-provider';
import { ActionError } from './action-error';
import type { StageRun } from './runs.documents';
import styles from './runs.module.css';
import { useStageDecision } from './use-run';
import { useRunMember } from './use-run-member';

type Approval = NonNullable<StageRun['approval']>;

/** "1 of 2 approvals" for a gate. */
export function approvalProgress(approval: Approval): { approved: number; count: number } {
  return { approved: approval.approvals.filter((a) => a.decision === 'APPROVE').length, count: approval.count };
}

/**
 * An approval stage on the run page: its state, who may decide, when it times out, the
 * decisions so far, and, while it waits and you may decide, the form to approve (with
 * its inputs) or reject it.
 */
export function ApprovalPanel({ runId, tenant, stage }: { runId: string; tenant: string; stage: StageRun }) {
  const { t, locale } = useI18n();
  const approval = stage.approval as Approval;
  const approver = useRunMember(tenant);
  const { approved, count } = approvalProgress(approval);
  const hasDecided = approver !== undefined && approval.approvals.some((a) => a.user.email === approver.email);
  const mayDecide = approver !== undefined && mayDecideApproval(approval, approver);
  const time = (iso: string) => new Date(iso).toLocaleString(locale);
  return (
    <section className={styles.gate} aria-labelledby={`gate-${stage.name}`} data-testid={`approval-${stage.name}`}>
      <h3 id={`gate-${stage.name}`} className={styles.subTitle}>
        {t(`runs.gate.state.${approval.state}`)} · {t('runs.gate.progress', { approved, count })}
      </h3>
      <p className={styles.muted}>
        {t('runs.gate.who', { who: approversText(approval) })}
        {approval.dueAt ? ` · ${t('runs.gate.dueAt', { at: time(approval.dueAt) })}` : ''}
      </p>
      {approval.approvals.length > 0 ? (
        <ul className={styles.decisions}>
          {approval.approvals.map((decision) => (
            <li key={`${decision.user.email}-${decision.at}`} data-decision={decision.decision}>
              <strong>{decision.user.email}</strong>{' '}
              {t(decision.decision === 'APPROVE' ? 'runs.gate.approved' : 'runs.gate.rejected')} ·{' '}
              <span className={styles.muted}>{time(decision.at)}</span>
              {decision.comment ? <q className={styles.comment}>{decision.comment}</q> : null}
              {decision.inputs.length > 0 ? (
                <span className={styles.muted}>
                  {' '}
                  {decision.inputs.map((input) => `${input.name}=${input.value}`).join(', ')}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {stage.phase !== 'WAITING' ? null : hasDecided ? (
        <p className={styles.muted}>{t('runs.gate.youDecided')}</p>
      ) : mayDecide ? (
        <DecisionForm runId={runId} stage={stage.name} approval={approval} />
      ) : approver ? (
        <p className={styles.muted}>{t('runs.gate.notYours', { role: approver.role })}</p>
      ) : null}
    </section>
  );
}

function DecisionForm({ runId, stage, approval }: { runId: string; stage: string; approval: Approval }) {
  const { t } = useI18n();
  const id = useId();
  const decide = useStageDecision(runId);
  const [values, setValues] = useState<Record<string, string>>({});
  const [comment, setComment] = useState('');
  const missing = approval.inputs.filter((input) => input.required && !values[input.name]?.trim());
  const approve = (event: FormEvent) => {
    event.preventDefault();
    if (missing.length > 0) return;
    const inputs = approval.inputs
      .filter((input) => values[input.name]?.trim())
      .map((input) => ({ name: input.name, value: (values[input.name] as string).trim() }));
    decide.mutate({ decision: 'APPROVE', stage, comment, inputs });
  };
  return (
    <form className={styles.decisionForm} onSubmit={approve} aria-label={t('runs.gate.formLabel', { stage })}>
      {approval.inputs.map((input) => (
        <div key={input.name} className={styles.decisionField}>
          <label htmlFor={`${id}-${input.name}`}>
            {input.name}
            {input.required ? ' *' : ''}
          </label>
          <input
            id={`${id}-${input.name}`}
            value={values[input.name] ?? ''}
            required={input.required ?? false}
            onChange={(e) => setValues({ ...values, [input.name]: e.target.value })}
            aria-describedby={input.description ? `${id}-${input.name}-hint` : undefined}
          />
          {input.description ? (
            <span id={`${id}-${input.name}-hint`} className={styles.muted}>
              {input.description}
            </span>
          ) : null}
        </div>
      ))}
      <div className={styles.decisionField}>
        <label htmlFor={`${id}-comment`}>{t('runs.gate.comment')}</label>
        <textarea id={`${id}-comment`} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
      </div>
      <ActionError error={decide.error} />
      <div className={styles.decisionActions}>
        <Button type="submit" variant="primary" loading={decide.isPending} disabled={missing.length > 0}>
          {t('runs.gate.approve')}
        </Button>
        <Button
          variant="danger"
          disabled={decide.isPending}
          onClick={() => decide.mutate({ decision: 'REJECT', stage, comment, inputs: [] })}
        >
          {t('runs.gate.reject')}
        </Button>
      </div>
    </form>
  );
}
