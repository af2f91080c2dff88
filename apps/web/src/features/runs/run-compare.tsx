'use client';

import { useQueries } from '@tanstack/react-query';
import Link from 'next/link';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { RunFact, RunPanel } from './run-panel';
import { type Run, RunDocument, runHref, runsHref } from './runs.documents';
import styles from './runs.module.css';
import { formatOffset } from './timeline';

function durationMs(item: { startedAt: string | null; finishedAt: string | null }): number | null {
  if (!item.startedAt || !item.finishedAt) return null;
  return Date.parse(item.finishedAt) - Date.parse(item.startedAt);
}

function delta(a: number | null, b: number | null): string {
  if (a == null || b == null) return '—';
  const d = b - a;
  if (Math.abs(d) < 500) return '±0s';
  return `${d > 0 ? '+' : '−'}${formatOffset(Math.abs(d))}`;
}

/** Two runs side by side: parameters, then every stage's phase and duration. */
export function RunCompare({ project, workflow, a, b }: { project: string; workflow: string; a: string; b: string }) {
  const { t, locale } = useI18n();
  const results = useQueries({
    queries: [a, b].map((id) => ({
      queryKey: queryKeys.runs.detail(id),
      queryFn: ({ signal }: { signal: AbortSignal }) => request(RunDocument, { id }, { signal }),
      enabled: Boolean(id),
    })),
  });
  const crumbs = [
    { label: t('nav.projects'), href: '/projects' },
    { label: project, href: `/projects/${encodeURIComponent(project)}` },
    { label: workflow, href: `/projects/${encodeURIComponent(project)}/workflows/${encodeURIComponent(workflow)}` },
    { label: t('runs.list.title'), href: runsHref(project, workflow) },
  ];
  const header = <PageHeader title={t('runs.compare.title')} breadcrumbs={crumbs} />;
  if (!a || !b) {
    return (
      <>
        {header}
        <EmptyState title={t('runs.compare.pickTitle')} description={t('runs.compare.pickBody')} />
      </>
    );
  }
  const failed = results.find((r) => r.error);
  if (failed) {
    return (
      <>
        {header}
        <ErrorState
          title={t('runs.compare.loadError')}
          error={failed.error}
          onRetry={() => results.forEach((r) => void r.refetch())}
        />
      </>
    );
  }
  if (results.some((r) => r.isLoading)) {
    return (
      <div aria-busy="true">
        {header}
        <Skeleton height="16rem" radius="var(--radius-lg)" />
      </div>
    );
  }
  const [left, right] = results.map((r) => r.data?.workflowRun) as [Run | null, Run | null];
  if (!left || !right) {
    return (
      <>
        {header}
        <EmptyState title={t('runs.dashboard.notFound')} description={t('runs.dashboard.notFoundBody')} />
      </>
    );
  }
  const paramNames = [...new Set([...left.parameters, ...right.parameters].map((p) => p.name))].sort();
  const parameterOf = (run: Run, name: string) => run.parameters.find((p) => p.name === name)?.value;
  const stageNames = [...new Set([...left.graph.map((s) => s.name), ...right.graph.map((s) => s.name)])];
  const stageOf = (run: Run, name: string) => run.stages.find((s) => s.name === name);

  return (
    <>
      {header}
      <div className={styles.compareHeads}>
        {[left, right].map((run, i) => (
          <section
            key={run.id}
            className={styles.panel}
            aria-label={t('runs.compare.side', { side: i === 0 ? 'A' : 'B' })}
          >
            <h2 className={styles.panelTitle}>
              <span className={styles.sideTag}>{i === 0 ? 'A' : 'B'}</span>{' '}
              <Link href={runHref(run)}>{t('runs.dashboard.title', { number: run.number })}</Link>
            </h2>
            <div className={styles.summary}>
              <StatusBadge phase={run.phase} />
              <RunFact label={t('runs.fields.started')}>
                {run.startedAt ? new Date(run.startedAt).toLocaleString(locale) : '—'}
              </RunFact>
              <RunFact label={t('runs.fields.duration')}>
                {durationMs(run) == null ? '—' : formatOffset(durationMs(run) as number)}
              </RunFact>
              <RunFact label={t('runs.fields.version')}>v{run.workflowVersion}</RunFact>
            </div>
          </section>
        ))}
      </div>

      <RunPanel id="compare-parameters" title={t('runs.parameters.title')}>
        {paramNames.length ? (
          <table className={styles.compareTable}>
            <caption className="visually-hidden">{t('runs.parameters.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('runs.compare.name')}</th>
                <th scope="col">A · #{left.number}</th>
                <th scope="col">B · #{right.number}</th>
              </tr>
            </thead>
            <tbody>
              {paramNames.map((name) => {
                const [va, vb] = [parameterOf(left, name), parameterOf(right, name)];
                return (
                  <tr key={name} data-differs={va !== vb || undefined}>
                    <th scope="row">
                      {name}
                      {va !== vb ? <span className={styles.differs}> {t('runs.compare.differs')}</span> : null}
                    </th>
                    <td>{va ?? '—'}</td>
                    <td>{vb ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : (
          <p className={styles.muted}>{t('runs.parameters.none')}</p>
        )}
      </RunPanel>

      <RunPanel id="compare-stages" title={t('runs.compare.stages')}>
        <table className={styles.compareTable}>
          <caption className="visually-hidden">{t('runs.compare.stages')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('runs.compare.stage')}</th>
              <th scope="col">A · #{left.number}</th>
              <th scope="col">B · #{right.number}</th>
              <th scope="col" className={styles.numeric}>
                {t('runs.compare.delta')}
              </th>
            </tr>
          </thead>
          <tbody>
            {stageNames.map((name) => {
              const [sa, sb] = [stageOf(left, name), stageOf(right, name)];
              const [da, db] = [sa ? durationMs(sa) : null, sb ? durationMs(sb) : null];
              return (
                <tr key={name} data-differs={sa?.phase !== sb?.phase || undefined}>
                  <th scope="row">{name}</th>
                  {[sa, sb].map((s, i) => (
                    <td key={i === 0 ? 'a' : 'b'}>
                      {s ? (
                        <span className={styles.stageCell}>
                          <StatusBadge phase={s.phase} size="sm" />
                          <span className={styles.muted}>
                            {durationMs(s) == null ? '' : formatOffset(durationMs(s) as number)}
                          </span>
                        </span>
                      ) : (
                        <span className={styles.muted}>{t('runs.compare.absent')}</span>
                      )}
                    </td>
                  ))}
                  <td className={styles.numeric}>{delta(da, db)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </RunPanel>
    </>
  );
}
