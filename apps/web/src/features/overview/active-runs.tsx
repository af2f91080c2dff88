'use client';

import type { InfiniteData } from '@tanstack/react-query';
import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { RunIcon } from '@/components/icons';
import { QueryTable } from '@/components/ui/query-table';
import { StatusBadge } from '@/components/ui/status-badge';
import type { Column } from '@/components/ui/table';
import { runWaitText } from '@/features/runs/run-wait-text';
import {
  isTerminal,
  type RunSummary,
  runHref,
  type TenantRunsPage,
  TenantRunsUpdatedDocument,
} from '@/features/runs/runs.documents';
import { useTenantRuns } from '@/features/runs/runs-list';
import { durationText, useNow } from '@/features/runs/use-now';
import { useI18n } from '@/i18n/i18n-provider';
import { queryKeys } from '@/lib/query-keys';
import { useSubscriptionToCache } from '@/lib/subscription-cache';
import styles from './overview.module.css';

const ACTIVE_FILTER = { phases: ['PENDING', 'RUNNING', 'WAITING'] as RunSummary['phase'][] };
const LIMIT = 10;

/**
 * Keeps "Running now" live with one tenant-wide subscription: a listed run's events
 * rewrite its row, a new run joins at the top, a run that ended leaves; the list and the
 * statistics are then fetched again for exact order and counts.
 */
function useLiveActiveRuns(tenant: string) {
  const queryClient = useQueryClient();
  const key = queryKeys.runs.list(tenant, { ...ACTIVE_FILTER, pageSize: LIMIT });
  useSubscriptionToCache({
    document: TenantRunsUpdatedDocument,
    variables: { tenant },
    queryKey: key,
    coalesce: true,
    update: (previous: InfiniteData<TenantRunsPage> | undefined, event) => {
      const run = event.tenantRunsUpdated;
      const isListed = Boolean(previous?.pages.some((p) => p.tenantRuns.edges.some((e) => e.node.id === run.id)));
      const isActive = !isTerminal(run.phase);
      if (isListed !== isActive) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.runs.statistics(tenant) });
        void queryClient.invalidateQueries({ queryKey: key });
      }
      if (!previous) return previous;
      if (!isListed) {
        if (!isActive) return previous;
        const [first, ...rest] = previous.pages;
        if (!first) return previous;
        const edges = [{ node: run }, ...first.tenantRuns.edges];
        return { ...previous, pages: [{ tenantRuns: { ...first.tenantRuns, edges } }, ...rest] };
      }
      return {
        ...previous,
        pages: previous.pages.map((page) => ({
          tenantRuns: {
            ...page.tenantRuns,
            edges: page.tenantRuns.edges.map((edge) => (edge.node.id === run.id ? { node: run } : edge)),
          },
        })),
      };
    },
  });
}

/** The runs pending, running or paused right now, kept live by their subscriptions. */
export function ActiveRuns({ tenant }: { tenant: string }) {
  const { t, locale } = useI18n();
  const runs = useTenantRuns(tenant, ACTIVE_FILTER, LIMIT);
  useLiveActiveRuns(tenant);
  const rows = runs.data?.pages.flatMap((p) => p.tenantRuns.edges.map((e) => e.node)) ?? [];
  const now = useNow(rows.length > 0);

  const columns: Column<RunSummary>[] = [
    {
      id: 'run',
      header: t('overview.active.colRun'),
      cell: (run) => <Link href={runHref(run)}>#{run.number}</Link>,
    },
    {
      id: 'workflow',
      header: t('overview.active.colWorkflow'),
      cell: (run) => `${run.projectName} / ${run.workflow.name}`,
      sortValue: (run) => `${run.projectName}/${run.workflow.name}`,
    },
    {
      id: 'status',
      header: t('overview.active.colStatus'),
      cell: (run) => {
        const wait = runWaitText(run.wait, t, locale);
        return (
          <span className={styles.status}>
            <StatusBadge phase={run.phase} size="sm" />
            {wait ? (
              <span className={styles.wait} data-testid={`active-run-wait-${run.number}`}>
                {wait}
              </span>
            ) : null}
          </span>
        );
      },
    },
    {
      id: 'stages',
      header: t('overview.active.colStages'),
      align: 'end',
      cell: (run) =>
        `${run.stages.filter((s) => s.phase === 'SUCCEEDED' || s.phase === 'SKIPPED').length} / ${run.stages.length}`,
    },
    {
      id: 'duration',
      header: t('overview.active.colDuration'),
      align: 'end',
      cell: (run) => durationText(run.startedAt, run.finishedAt, now) ?? '—',
    },
  ];

  return (
    <QueryTable<RunSummary>
      query={runs}
      loadFailed={t('overview.loadError')}
      caption={t('overview.active.title')}
      columns={columns}
      rows={rows}
      rowKey={(run) => run.id}
      empty={{
        headingLevel: 3,
        icon: <RunIcon size={18} />,
        title: t('overview.active.emptyTitle'),
        description: t('overview.active.emptyBody'),
      }}
    />
  );
}
