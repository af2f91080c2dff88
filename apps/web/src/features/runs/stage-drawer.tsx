'use client';

import Link from 'next/link';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { StatusBadge } from '@/components/ui/status-badge';
import { useI18n } from '@/i18n/i18n-provider';
import { ApprovalPanel } from './approval-panel';
import type { RunDelegation } from './delegation-panel';
import { DelegationPanel } from './delegation-panel';
import { EditRetryForm } from './edit-retry-form';
import { LogViewer } from './log-viewer';
import { MatrixPanel } from './matrix-panel';
import { linesUntil } from './replay';
import { KeyValueTable } from './run-panel';
import type { Run, StageRun } from './runs.documents';
import { runHref } from './runs.documents';
import styles from './runs.module.css';
import { durationText } from './use-now';
import { useStageLogs } from './use-stage-logs';

/** The stage drawer: its state, outputs and live log; retry the run from here once it ended. */
export function StageDrawer({
  runId,
  stage,
  now,
  canRetry,
  isRetrying,
  onRetryFrom,
  focusLine,
  replayAt,
  run,
  delegation,
  onSelectStage,
  onClose,
}: {
  runId: string;
  stage: StageRun;
  now: number;
  canRetry: boolean;
  isRetrying: boolean;
  onRetryFrom: (stage: string) => void;
  /** A line (seq) of the log to scroll to and mark once it has arrived. */
  focusLine?: number;
  /** While the run is replayed: the moment shown (its log up to then). */
  replayAt?: number;
  /** The run, for "edit and retry" of a failed stage. */
  run: Run;
  /** A delegated stage's system and URL, once known. */
  delegation?: RunDelegation;
  /** Opens another stage (a matrix stage's combination, or back). */
  onSelectStage: (stage: string) => void;
  onClose: () => void;
}) {
  const { t, locale } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const logs = useStageLogs(runId, stage.name);
  const [isHealing, setHealing] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version tells that the buffer's lines changed in place.
  const shownLines = useMemo(
    () => (replayAt === undefined ? logs.lines : linesUntil(logs.lines, replayAt)),
    [logs.lines, logs.version, replayAt],
  );

  useEffect(() => {
    // Opened at a line: the log takes the focus instead (LogViewer).
    if (focusLine === undefined) heading.current?.focus();
  }, [focusLine]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const time = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString(locale) : '—');
  // An approval stage, a child workflow or a delegated stage runs no process here: no exit
  // code, no log. A matrix stage runs its combinations, each with its own log.
  const graphStage = run.graph.find((g) => g.name === stage.name);
  const isMatrix = Boolean(graphStage?.matrix.length || graphStage?.matrixFrom);
  const isDelegated = Boolean(delegation ?? graphStage?.delegation);
  const hasProcess = !stage.approval && !graphStage?.workflow && !isMatrix && !isDelegated;
  // A combination is retried with its matrix stage.
  const retryStage = stage.matrixOf ?? stage.name;
  return (
    <aside className={styles.drawer} role="dialog" aria-modal="false" aria-labelledby="stage-drawer-title">
      <header className={styles.drawerHeader}>
        <div className={styles.drawerTitleRow}>
          <h2 id="stage-drawer-title" ref={heading} tabIndex={-1} className={styles.drawerTitle}>
            {t('runs.drawer.title', { stage: stage.name })}
          </h2>
          <StatusBadge phase={stage.phase} />
        </div>
        <div className={styles.drawerActions}>
          {canRetry && stage.phase === 'FAILED' && !isHealing && !stage.matrixOf && !isDelegated ? (
            <Button size="sm" variant="secondary" onClick={() => setHealing(true)}>
              {t('runs.heal.open')}
            </Button>
          ) : null}
          {canRetry ? (
            <Button size="sm" onClick={() => onRetryFrom(retryStage)} loading={isRetrying}>
              {t('runs.actions.retryFrom', { stage: retryStage })}
            </Button>
          ) : null}
          <Button size="sm" variant="ghost" onClick={onClose} aria-label={t('runs.drawer.close')}>
            ✕
          </Button>
        </div>
      </header>
      <dl className={styles.facts}>
        <div>
          <dt>{t('runs.fields.attempt')}</dt>
          <dd>{stage.attempt}</dd>
        </div>
        <div>
          <dt>{t('runs.fields.started')}</dt>
          <dd>{time(stage.startedAt)}</dd>
        </div>
        <div>
          <dt>{t('runs.fields.duration')}</dt>
          <dd>{durationText(stage.startedAt, stage.finishedAt, now) ?? '—'}</dd>
        </div>
        {!hasProcess ? null : (
          <div>
            <dt>{t('runs.fields.exitCode')}</dt>
            <dd>{stage.exitCode ?? '—'}</dd>
          </div>
        )}
      </dl>
      {stage.message ? <p className={styles.message}>{stage.message}</p> : null}
      <MatrixPanel stage={stage} run={run} isMatrix={isMatrix} onSelectStage={onSelectStage} />
      {stage.approval ? <ApprovalPanel runId={runId} tenant={run.tenantName} stage={stage} /> : null}
      {isDelegated ? (
        <DelegationPanel runId={runId} tenant={run.tenantName} stage={stage} delegation={delegation} />
      ) : null}
      {stage.childRun ? (
        <p className={styles.message} data-testid={`child-run-${stage.name}`}>
          <Link href={runHref({ ...stage.childRun, projectName: run.projectName })}>
            {t('runs.child.run', { workflow: stage.childRun.workflow.name, number: stage.childRun.number })}
          </Link>{' '}
          <StatusBadge phase={stage.childRun.phase} />
        </p>
      ) : null}
      {isHealing ? <EditRetryForm run={run} stage={stage.name} onCancel={() => setHealing(false)} /> : null}
      {stage.outputs.length ? (
        <section aria-labelledby="stage-outputs">
          <h3 id="stage-outputs" className={styles.subTitle}>
            {t('runs.outputs.title')}
          </h3>
          <KeyValueTable
            rows={stage.outputs.map((output) => ({ key: output.key, name: output.key, value: output.value }))}
            empty={t('runs.outputs.none')}
          />
        </section>
      ) : null}
      {!hasProcess ? null : (
        <>
          <h3 className={styles.subTitle}>{t('runs.logs.title')}</h3>
          <LogViewer
            runId={runId}
            stage={stage.name}
            lines={shownLines}
            version={replayAt === undefined ? logs.version : logs.version + shownLines.length}
            state={logs.state}
            focusSeq={focusLine}
          />
        </>
      )}
    </aside>
  );
}
