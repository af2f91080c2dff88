'use client';

import type { InfiniteData } from '@tanstack/react-query';
import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { RunIcon } from '@/components/icons';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { StatusBadge } from '@/components/ui/status-badge';
import { type Column, Table } from '@/components/ui/table';
import {
  isTerminal,
  type Run,
  type RunSummary,
  RunUpdatedDocument,
  runHref,
  type TenantRunsPage,
} from '@/features/runs/runs.documents';
import { useTenantRuns } from '@/features/runs/runs-list';
import { durationText, useNow } from '@/features/runs/use-now';
import { useT } from '@/i18n/i18n-provider';
import { queryKeys } from '@/lib/query-keys';
import { useSubscriptionToCache } from '@/lib/subscription-cache';

const ACTIVE_FILTER = { phases: ['PENDING', 'RUNNING', 'WAITING'] as RunSummary['phase'][] };
const LIMIT = 10;

/** Follows one listed run: its events rewrite its row; when it ends the overview reloads. */
function RunFollower({ tenant, id }: { tenant: string; id: string }) {
  const queryClient = useQueryClient();
  const key = queryKeys.runs.list(tenant, { ...ACTIVE_FILTER, pageSize: LIMIT });
  useSubscriptionToCache<{ workflowRunUpdated: Run }, InfiniteData<TenantRunsPage>, { id: string }>({
    document: RunUpdatedDocument,
    variables: { id },
    queryKey: key,
    update: (previous, event) => {
      const run = event.workflowRunUpdated;
      if (isTerminal(run.phase)) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.runs.statistics(tenant) });
        void queryClient.invalidateQueries({ queryKey: key });
      }
      if (!previous) return previous;
      return {
        ...previous,
        pages: previous.pages.map((page) => ({
          tenantRuns: {
            ...page.tenantRuns,
            edges: page.tenantRuns.edges.map((edge) =>
              edge.node.id === run.id ? { ...edge, node: { ...edge.node, ...run } } : edge,
            ),
          },
        })),
      };
    },
  });
  return null;
}

/** The runs pending, running or paused right now, kept live by their subscriptions. */
export function ActiveRuns({ tenant }: { tenant: string }) {
  const t = useT();
  const runs = useTenantRuns(tenant, ACTIVE_FILTER, LIMIT);
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
      cell: (run) => <StatusBadge phase={run.phase} size="sm" />,
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

  if (runs.error) {
    return <ErrorState title={t('overview.loadError')} error={runs.error} onRetry={() => void runs.refetch()} />;
  }
  return (
    <>
      {rows.map((run) => (
        <RunFollower key={run.id} tenant={tenant} id={run.id} />
      ))}
      <Table<RunSummary>
        caption={t('overview.active.title')}
        columns={columns}
        rows={rows}
        rowKey={(run) => run.id}
        loading={runs.isLoading}
        empty={
          <EmptyState
            variant="plain"
            headingLevel={3}
            icon={<RunIcon size={18} />}
            title={t('overview.active.emptyTitle')}
            description={t('overview.active.emptyBody')}
          />
        }
      />
    </>
  );
}
