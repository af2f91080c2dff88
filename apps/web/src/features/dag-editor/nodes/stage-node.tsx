'use client';

import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import { PhaseIcon } from '@/components/ui/phase-icon';
import { useT } from '@/i18n/i18n-provider';
import { isPhase } from '@/lib/phases';
import { urlHost } from '../model/delegation';
import { formatDuration } from './duration';
import styles from './stage-node.module.css';

export interface StageNodeData extends Record<string, unknown> {
  name: string;
  image?: string;
  trivial?: boolean;
  /** A finally stage (runs after every other stage): drawn with a double top border and a tag. */
  isFinally?: boolean;
  /** Its condition (`when`), shown as a tag whose title is the expression. */
  when?: string;
  /** An approval gate and the approvals it needs: drawn with a dashed border, its need in place of an image. */
  approvalCount?: number;
  /** A child-workflow stage: the workflow it runs, shown in place of an image. */
  childWorkflow?: string;
  /** A delegated stage (badge): the system it hands its work to and the URL's host, in place of an image. */
  delegationType?: string;
  delegationUrl?: string;
  /** A matrix stage: its combinations (`×4`), or in a run how many have ended (`2/4`). */
  matrixText?: string;
  /** Run view: the stage's phase and its current attempt. */
  phase?: string;
  attempt?: number;
  /** Run view: why it was skipped, shown in place of the image. */
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
  retries?: number;
  /** Editor: the validation panel reports a problem on this stage. */
  hasIssue?: boolean;
  /** Editor: handles are shown and connectable. */
  isEditable?: boolean;
  /** Two versions compared: how this stage changed. */
  change?: 'added' | 'removed' | 'changed';
  /** Run view: the stage is on the run's critical path (what decided its duration). */
  isCritical?: boolean;
  /** Editor: the stage's health over recent runs (see stage-health.ts), in place of a phase. */
  healthText?: string;
  healthTone?: 'ok' | 'warn' | 'bad';
  healthTitle?: string;
}

export type StageNodeType = Node<StageNodeData, 'stage'>;

/** One stage: name, image, phase (icon + text), duration, attempt and trivial badges. */
function StageNodeComponent({ data, selected }: NodeProps<StageNodeType>) {
  const t = useT();
  const phase = data.phase && isPhase(data.phase) ? data.phase : undefined;
  const duration = data.startedAt ? formatDuration(data.startedAt, data.finishedAt) : undefined;
  const label = [data.name, phase ? t(`phase.${phase}`) : undefined, data.reason].filter(Boolean).join(', ');
  return (
    <div
      className={styles.node}
      data-phase={phase}
      data-selected={selected || undefined}
      data-issue={data.hasIssue || undefined}
      data-finally={data.isFinally || undefined}
      data-gate={data.approvalCount !== undefined || undefined}
      data-delegated={data.delegationType !== undefined || undefined}
      data-critical={data.isCritical || undefined}
      data-change={data.change}
      data-testid={`stage-node-${data.name}`}
      title={label}
    >
      <StageHandle type="target" data={data} />
      <div className={styles.top}>
        {phase ? (
          <span className={styles.phase} title={t(`phase.${phase}`)}>
            <PhaseIcon phase={phase} size={13} />
          </span>
        ) : null}
        <span className={styles.name} title={data.name}>
          {data.name}
        </span>
        {data.change ? (
          <span className={styles.badge} data-kind={`change-${data.change}`}>
            {t(`dag.node.change.${data.change}`)}
          </span>
        ) : null}
        {data.approvalCount !== undefined ? (
          <span className={styles.badge} data-kind="approval" title={t('dag.node.approvalHint')}>
            {t('dag.node.approval')}
          </span>
        ) : null}
        {data.delegationType !== undefined ? (
          <span
            className={styles.badge}
            data-kind="delegation"
            title={t('dag.node.delegationHint', { type: data.delegationType || '?' })}
          >
            <span aria-hidden="true">↗ </span>
            {t('dag.node.delegation')}
          </span>
        ) : null}
        {data.matrixText ? (
          <span
            className={styles.badge}
            data-kind="matrix"
            title={t('dag.node.matrixHint')}
            data-testid={`stage-matrix-${data.name}`}
          >
            {data.matrixText}
          </span>
        ) : null}
        {data.isFinally ? (
          <span className={styles.badge} data-kind="finally" title={t('dag.node.finallyHint')}>
            {t('dag.node.finally')}
          </span>
        ) : null}
        {data.when ? (
          <span className={styles.badge} data-kind="when" title={`when: ${data.when}`}>
            {t('dag.node.when')}
          </span>
        ) : null}
        {data.trivial ? (
          <span className={styles.badge} title={t('dag.node.trivialHint')}>
            {t('dag.node.trivial')}
          </span>
        ) : null}
        {data.attempt && data.attempt > 1 ? (
          <span className={styles.badge} title={t('dag.node.attemptHint')}>
            {t('dag.node.attempt', { attempt: data.attempt })}
          </span>
        ) : data.retries ? (
          <span className={styles.badge} title={t('dag.node.retriesHint')}>
            {t('dag.node.retries', { retries: data.retries })}
          </span>
        ) : null}
      </div>
      <div className={styles.bottom}>
        {data.reason ? (
          <span className={styles.image} title={data.reason} data-testid={`stage-reason-${data.name}`}>
            {data.reason}
          </span>
        ) : data.childWorkflow !== undefined ? (
          <span className={styles.image} title={data.childWorkflow}>
            {t('dag.node.childWorkflow', { workflow: data.childWorkflow || '?' })}
          </span>
        ) : data.approvalCount !== undefined ? (
          <span className={styles.image}>{t('dag.node.approvals', { count: data.approvalCount })}</span>
        ) : data.delegationType !== undefined ? (
          <span className={styles.image} title={data.delegationUrl} data-testid={`stage-delegation-${data.name}`}>
            {t('dag.node.delegatedTo', {
              type: data.delegationType || '?',
              host: (data.delegationUrl && urlHost(data.delegationUrl)) || t('dag.node.noUrl'),
            })}
          </span>
        ) : (
          <span className={styles.image} title={data.image}>
            {data.image || t('dag.node.noImage')}
          </span>
        )}
        {phase ? (
          <span className={styles.phaseText}>{duration ?? t(`phase.${phase}`)}</span>
        ) : data.healthText ? (
          <span
            className={styles.health}
            data-tone={data.healthTone}
            title={data.healthTitle}
            data-testid={`stage-health-${data.name}`}
          >
            {data.healthText}
          </span>
        ) : null}
      </div>
      <StageHandle type="source" data={data} />
    </div>
  );
}

/** Where edges end (target, left) or start (source, right); shown and connectable only in the editor. */
function StageHandle({ type, data }: { type: 'target' | 'source'; data: StageNodeData }) {
  const t = useT();
  return (
    <Handle
      type={type}
      position={type === 'target' ? Position.Left : Position.Right}
      className={styles.handle}
      isConnectable={Boolean(data.isEditable)}
      data-hidden={!data.isEditable || undefined}
      aria-label={t(`dag.handle.${type}`, { stage: data.name })}
    />
  );
}

export const StageNode = memo(StageNodeComponent);

export const NODE_TYPES = { stage: StageNode } as const;
