'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { DagView, type DagViewPhase } from '@/features/dag-editor';
import { versionsHref } from '@/features/dag-editor/editor/version-compare';
import { useI18n } from '@/i18n/i18n-provider';
import { ActionError } from './action-error';
import { approvalProgress } from './approval-panel';
import { DelegationWaiting } from './delegation-panel';
import { matrixProgress } from './matrix-progress';
import { phasesAt, replaySpan } from './replay';
import { ReplayControls } from './replay-controls';
import { KeyValueTable, RunFact, RunPanel } from './run-panel';
import { volumeText } from './run-presets';
import { RunTimeline } from './run-timeline';
import { runWaitText } from './run-wait-text';
import { isTerminal, runHref, runsHref } from './runs.documents';
import styles from './runs.module.css';
import { StageDrawer } from './stage-drawer';
import { useCriticalPath } from './use-critical-path';
import { durationText, useNow } from './use-now';
import { useReplay } from './use-replay';
import { useRun, useRunAction } from './use-run';

export function RunDashboard({
  project,
  workflow,
  runId,
  focus,
}: {
  project: string;
  workflow: string;
  runId: string;
  /** A stage to open at once, and a line of its log to show (`?stage=s&line=n`). */
  focus?: { stage: string; line?: number };
}) {
  const { t, locale } = useI18n();
  const router = useRouter();
  const { data: run, isLoading, error, refetch } = useRun(runId);
  const action = useRunAction(runId);
  const [selected, setSelected] = useState<string | null>(focus?.stage ?? null);
  // The deep link's line, until the user picks another stage or closes the drawer.
  const [linkedLine, setLinkedLine] = useState(focus);
  const isActive = run ? !isTerminal(run.phase) : false;
  const [showsCriticalPath, setShowsCriticalPath] = useState(false);
  const criticalPath = useCriticalPath(run, showsCriticalPath);
  const span = useMemo(() => (run && !isActive ? replaySpan(run, run.stages) : null), [run, isActive]);
  const replay = useReplay(span);
  const now = useNow(isActive);

  const phases = useMemo(() => {
    const out: Record<string, DagViewPhase> = {};
    for (const stage of run?.stages ?? []) {
      out[stage.name] = {
        phase: stage.phase,
        attempt: stage.attempt,
        startedAt: stage.startedAt ?? undefined,
        finishedAt: stage.finishedAt ?? undefined,
        // Why a stage was skipped (its condition, its upstream stages) shows on its node;
        // the node already says "Skipped". A waiting approval stage shows how far it got.
        reason:
          stage.phase === 'SKIPPED'
            ? stage.message.replace(/^skipped: /, '')
            : stage.phase === 'WAITING' && stage.approval
              ? t('runs.gate.progress', approvalProgress(stage.approval))
              : undefined,
      };
    }
    // A matrix stage's node counts its combinations that have ended.
    for (const [name, progress] of matrixProgress(run?.stages ?? [])) {
      const phase = out[name];
      if (phase) phase.matrixProgress = progress;
    }
    return out;
  }, [run?.stages, t]);
  const forgetLink = useCallback(() => {
    if (!linkedLine) return;
    window.history.replaceState(null, '', window.location.pathname);
    setLinkedLine(undefined);
  }, [linkedLine]);
  const onSelectStage = useCallback(
    (name: string) => {
      setSelected(name);
      forgetLink();
    },
    [forgetLink],
  );
  const shownPhases = useMemo(
    () => (replay.at !== undefined && run ? phasesAt(run.stages, replay.at) : phases),
    [replay.at, run, phases],
  );
  // The DAG shows a change first; the timeline (a row per stage) follows in a second render.
  const deferredStages = useDeferredValue(run?.stages);

  const crumbs = [
    { label: t('nav.projects'), href: '/projects' },
    { label: project, href: `/projects/${encodeURIComponent(project)}` },
    { label: workflow, href: `/projects/${encodeURIComponent(project)}/workflows/${encodeURIComponent(workflow)}` },
    { label: t('runs.list.title'), href: runsHref(project, workflow) },
  ];

  if (isLoading) {
    return (
      <div aria-busy="true">
        <PageHeader title={t('runs.dashboard.loading')} breadcrumbs={crumbs} />
        <Skeleton height="22rem" radius="var(--radius-lg)" />
      </div>
    );
  }
  if (error) {
    return (
      <>
        <PageHeader title={t('runs.dashboard.titleUnknown')} breadcrumbs={crumbs} />
        <ErrorState title={t('runs.dashboard.loadError')} error={error} onRetry={() => void refetch()} />
      </>
    );
  }
  if (!run) {
    return (
      <>
        <PageHeader title={t('runs.dashboard.titleUnknown')} breadcrumbs={crumbs} />
        <EmptyState title={t('runs.dashboard.notFound')} description={t('runs.dashboard.notFoundBody')} />
      </>
    );
  }

  const selectedStage = run.stages.find((s) => s.name === selected) ?? null;
  const retry = async (fromStage?: string) => {
    const result = await action.mutateAsync({ action: 'retry', fromStage });
    setSelected(null);
    router.push(runHref(result.run));
  };
  const title = t('runs.dashboard.title', { number: run.number });
  const approval = run.approvalRequest;
  const isAwaitingApproval = isActive && approval !== null && !approval.isApproved;
  const delegations = new Map(
    run.graph.flatMap((stage) => (stage.delegation ? [[stage.name, stage.delegation] as const] : [])),
  );
  const delegatedNames = new Set(delegations.keys());
  const waitingDelegated = run.stages.filter((stage) => stage.phase === 'WAITING' && delegatedNames.has(stage.name));
  const waitText = runWaitText(
    run.wait,
    t,
    locale,
    waitingDelegated.map((stage) => delegations.get(stage.name)?.type ?? ''),
  );
  const actions = (
    <>
      {isAwaitingApproval ? (
        <Button variant="primary" onClick={() => action.mutate({ action: 'approve' })} loading={action.isPending}>
          {t('runs.actions.approve')}
        </Button>
      ) : null}
      {isActive && !run.isPaused && !run.isStopping && !isAwaitingApproval ? (
        <Button onClick={() => action.mutate({ action: 'pause' })} disabled={action.isPending}>
          {t('runs.actions.pause')}
        </Button>
      ) : null}
      {isActive && run.isPaused ? (
        <Button onClick={() => action.mutate({ action: 'resume' })} disabled={action.isPending}>
          {t('runs.actions.resume')}
        </Button>
      ) : null}
      {isActive ? (
        <Button variant="danger" onClick={() => action.mutate({ action: 'stop' })} disabled={action.isPending}>
          {run.isStopping ? t('runs.actions.stopNow') : t('runs.actions.stop')}
        </Button>
      ) : (
        <Button variant="primary" onClick={() => void retry()} loading={action.isPending}>
          {t('runs.actions.retry')}
        </Button>
      )}
    </>
  );

  return (
    <div className={selectedStage ? styles.withDrawer : undefined}>
      <PageHeader title={title} breadcrumbs={crumbs} actions={actions} />
      <section className={styles.summary} aria-label={t('runs.dashboard.summary')}>
        <span data-testid="run-phase">
          <StatusBadge phase={run.phase} />
        </span>
        {run.isPaused && !run.isStopping ? <span className={styles.muted}>{t('runs.dashboard.paused')}</span> : null}
        {run.isStopping ? (
          <span className={styles.muted} data-testid="run-stopping">
            {t('runs.dashboard.stopping')}
          </span>
        ) : null}
        <RunFact label={t('runs.fields.started')}>
          {run.startedAt ? new Date(run.startedAt).toLocaleString(locale) : '—'}
        </RunFact>
        <RunFact label={t('runs.fields.duration')}>{durationText(run.startedAt, run.finishedAt, now) ?? '—'}</RunFact>
        <RunFact label={t('runs.fields.version')}>
          <Link href={versionsHref(project, workflow, run.workflowVersion)} title={t('runs.fields.versionHint')}>
            v{run.workflowVersion}
          </Link>
        </RunFact>
        {run.acceleration ? (
          <span className={styles.fact} data-testid="run-accelerated" title={t('runs.fields.acceleratedHint')}>
            {t('runs.fields.accelerated')}
          </span>
        ) : null}
        {run.serviceAccount ? (
          <RunFact label={t('runs.fields.serviceAccount')} testId="run-service-account">
            {run.serviceAccount}
          </RunFact>
        ) : null}
        {run.volumes.length > 0 ? (
          <RunFact label={t('runs.fields.volumes')} testId="run-volumes">
            {run.volumes.map(volumeText).join('; ')}
          </RunFact>
        ) : null}
        {run.retryOf ? (
          <span className={styles.fact}>
            <span className={styles.muted}>{t('runs.fields.retryOf')}</span>{' '}
            <Link href={runHref({ ...run, id: run.retryOf.id })}>#{run.retryOf.number}</Link>
            {run.overriddenStages.length > 0 ? (
              <span data-testid="run-overridden">
                {' '}
                · {t('runs.fields.overridden', { stages: run.overriddenStages.join(', ') })}
              </span>
            ) : null}
          </span>
        ) : null}
        {run.parent?.run ? (
          <span className={styles.fact} data-testid="run-parent">
            <span className={styles.muted}>{t('runs.child.parent', { stage: run.parent.stage })}</span>{' '}
            <Link href={runHref({ ...run.parent.run, projectName: run.projectName })}>
              {run.parent.run.workflow.name} #{run.parent.run.number}
            </Link>
          </span>
        ) : null}
        {approval?.isApproved ? (
          <span className={styles.fact}>
            <span className={styles.muted}>{t('runs.approval.approvedBy')}</span>{' '}
            {approval.approvedBy?.email ?? t('runs.approval.formerUser')}
            {approval.approvedAt ? ` · ${new Date(approval.approvedAt).toLocaleString(locale)}` : ''}
          </span>
        ) : null}
        {waitText ? (
          <span className={styles.runMessage} data-testid="run-wait">
            {waitText}
          </span>
        ) : run.message && !isAwaitingApproval ? (
          <span className={styles.runMessage}>{run.message}</span>
        ) : null}
      </section>
      {isAwaitingApproval ? (
        <section className={styles.approval} role="status" aria-labelledby="run-approval" data-testid="run-approval">
          <h2 id="run-approval" className={styles.approvalTitle}>
            {t('runs.approval.title')}
          </h2>
          <p>{approval.reason}</p>
          <p className={styles.muted}>{t('runs.approval.body')}</p>
        </section>
      ) : null}
      {run.stages
        .filter((stage) => stage.phase === 'WAITING' && stage.approval)
        .map((stage) => (
          <section
            key={stage.name}
            className={styles.approval}
            role="status"
            aria-labelledby={`waiting-${stage.name}`}
            data-testid={`gate-waiting-${stage.name}`}
          >
            <h2 id={`waiting-${stage.name}`} className={styles.approvalTitle}>
              {t('runs.gate.waitingTitle', { stage: stage.name })}
            </h2>
            <p>
              {t('runs.gate.progress', approvalProgress(stage.approval as NonNullable<typeof stage.approval>))}{' '}
              <Button size="sm" onClick={() => onSelectStage(stage.name)}>
                {t('runs.gate.review')}
              </Button>
            </p>
          </section>
        ))}
      {waitingDelegated.map((stage) => (
        <DelegationWaiting
          key={stage.name}
          stage={stage}
          delegation={delegations.get(stage.name)}
          onReview={() => onSelectStage(stage.name)}
        />
      ))}
      <ActionError error={action.error} />

      <section className={styles.panel} aria-labelledby="run-graph">
        <div className={styles.panelHeader}>
          <h2 id="run-graph" className={styles.panelTitle}>
            {t('runs.dag.title')}
          </h2>
          <div className={styles.panelTools}>
            {span && !replay.isOn ? (
              <Button size="sm" variant="ghost" title={t('runs.replay.startHint')} onClick={replay.start}>
                {t('runs.replay.start')}
              </Button>
            ) : null}
            <label className={styles.toggle} title={t('runs.dag.criticalPathHint')}>
              <input
                type="checkbox"
                checked={showsCriticalPath}
                onChange={(event) => setShowsCriticalPath(event.target.checked)}
              />
              {t('runs.dag.criticalPath')}
            </label>
          </div>
        </div>
        {replay.isOn ? <ReplayControls replay={replay} /> : null}
        <div className={styles.dag}>
          <DagView stages={run.graph} phases={shownPhases} onSelectStage={onSelectStage} criticalPath={criticalPath} />
        </div>
      </section>

      <RunPanel id="run-timeline" title={t('runs.timeline.title')}>
        <RunTimeline stages={deferredStages ?? run.stages} now={now} selected={selected} onSelect={onSelectStage} />
      </RunPanel>

      <div className={styles.columns}>
        <RunPanel id="run-parameters" title={t('runs.parameters.title')}>
          <KeyValueTable
            rows={run.parameters.map((p) => ({ key: p.name, name: p.name, value: p.value }))}
            empty={t('runs.parameters.none')}
          />
        </RunPanel>
        <RunPanel id="run-outputs" title={t('runs.outputs.title')}>
          <KeyValueTable
            rows={run.stages.flatMap((s) =>
              s.outputs.map((o) => ({
                key: `${s.name}.${o.key}`,
                name: `${s.name}.${o.key}`,
                value: o.value,
              })),
            )}
            empty={t('runs.outputs.none')}
          />
        </RunPanel>
      </div>

      <RunPanel id="run-artifacts" title={t('runs.artifacts.title')}>
        <KeyValueTable
          rows={run.artifacts.map((a) => ({
            key: `${a.stage}/${a.name}`,
            name: `${a.stage}/${a.name}`,
            value: (
              <a href={a.downloadUrl} download>
                {t('runs.artifacts.download', { size: formatBytes(a.size) })}
              </a>
            ),
          }))}
          empty={t('runs.artifacts.none')}
        />
      </RunPanel>

      {selectedStage ? (
        <StageDrawer
          key={`${run.id}/${selectedStage.name}`}
          runId={run.id}
          stage={selectedStage}
          now={now}
          replayAt={replay.at}
          run={run}
          delegation={delegations.get(selectedStage.name)}
          canRetry={!isActive}
          isRetrying={action.isPending}
          onRetryFrom={(stage) => void retry(stage)}
          onSelectStage={onSelectStage}
          focusLine={selectedStage.name === linkedLine?.stage ? linkedLine.line : undefined}
          onClose={() => {
            setSelected(null);
            forgetLink();
          }}
        />
      ) : null}
    </div>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}
