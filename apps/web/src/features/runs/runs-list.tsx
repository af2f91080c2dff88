'use client';

import { RUN_PHASES, type RunPhase } from '@cyclone/domain';
import { useInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { RunIcon } from '@/components/icons';
import { Button, LinkButton } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { QueryTable } from '@/components/ui/query-table';
import { StatusBadge } from '@/components/ui/status-badge';
import type { Column } from '@/components/ui/table';
import { useI18n } from '@/i18n/i18n-provider';
import { useCurrentTenant } from '@/lib/current-tenant';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import {
  type RunSummary,
  type RunTrigger,
  runHref,
  runsHref,
  type TenantRunFilter,
  TenantRunsDocument,
} from './runs.documents';
import styles from './runs.module.css';
import { StartRunButton } from './start-run-button';
import { durationText } from './use-now';

const TRIGGERS: readonly RunTrigger[] = ['MANUAL', 'CRON', 'SCM', 'WEBHOOK'];
const RANGES = { any: 0, day: 1, week: 7, month: 30 } as const;
type Range = keyof typeof RANGES;

export function useTenantRuns(tenant: string | undefined, filter: TenantRunFilter, pageSize = 25) {
  return useInfiniteQuery({
    queryKey: queryKeys.runs.list(tenant ?? '', { ...filter, pageSize }),
    enabled: Boolean(tenant),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      request(TenantRunsDocument, { tenant: tenant ?? '', filter, first: pageSize, after: pageParam }, { signal }),
    getNextPageParam: (last) => (last.tenantRuns.pageInfo.hasNextPage ? last.tenantRuns.pageInfo.endCursor : undefined),
  });
}

/** The runs of one workflow, newest first, with phase, trigger and time filters; pick two to compare. */
export function RunsList({ project, workflow }: { project: string; workflow: string }) {
  const { t, locale } = useI18n();
  const { tenant, isLoading: isTenantLoading } = useCurrentTenant();
  const [phase, setPhase] = useState<RunPhase | ''>('');
  const [trigger, setTrigger] = useState<RunTrigger | ''>('');
  const [range, setRange] = useState<Range>('any');
  const [picked, setPicked] = useState<string[]>([]);

  // The range is turned into a time once per choice, so the query key stays stable.
  const createdAfter = useMemo(
    () => (RANGES[range] ? new Date(Date.now() - RANGES[range] * 86_400_000).toISOString() : undefined),
    [range],
  );
  const filter: TenantRunFilter = {
    project,
    workflow,
    ...(phase ? { phases: [phase] } : {}),
    ...(trigger ? { triggers: [trigger] } : {}),
    ...(createdAfter ? { createdAfter } : {}),
  };
  const runs = useTenantRuns(tenant, filter);
  const rows = runs.data?.pages.flatMap((page) => page.tenantRuns.edges.map((e) => e.node)) ?? [];
  const total = runs.data?.pages[0]?.tenantRuns.totalCount;
  const isFiltered = Boolean(phase || trigger || createdAfter);

  const toggle = (id: string) =>
    setPicked((current) => (current.includes(id) ? current.filter((x) => x !== id) : [...current, id].slice(-2)));

  const columns: Column<RunSummary>[] = [
    {
      id: 'pick',
      header: t('runs.list.colCompare'),
      width: '5rem',
      cell: (run) => (
        <input
          type="checkbox"
          checked={picked.includes(run.id)}
          onChange={() => toggle(run.id)}
          aria-label={t('runs.list.pick', { number: run.number })}
        />
      ),
    },
    {
      id: 'number',
      header: t('runs.list.colRun'),
      sortValue: (run) => run.number,
      cell: (run) => <Link href={runHref(run)}>#{run.number}</Link>,
    },
    { id: 'status', header: t('runs.list.colStatus'), cell: (run) => <StatusBadge phase={run.phase} size="sm" /> },
    {
      id: 'trigger',
      header: t('runs.list.colTrigger'),
      sortValue: (run) => `${run.trigger}/${run.triggerName ?? ''}`,
      cell: (run) => (
        <span data-testid="run-trigger">
          {t(`runs.trigger.${run.trigger}`)}
          {run.triggerName ? <span className={styles.muted}> · {run.triggerName}</span> : null}
        </span>
      ),
    },
    {
      id: 'created',
      header: t('runs.list.colCreated'),
      sortValue: (run) => run.createdAt,
      cell: (run) => new Date(run.createdAt).toLocaleString(locale),
    },
    {
      id: 'duration',
      header: t('runs.list.colDuration'),
      align: 'end',
      sortValue: (run) =>
        run.startedAt ? Date.parse(run.finishedAt ?? new Date().toISOString()) - Date.parse(run.startedAt) : null,
      cell: (run) => durationText(run.startedAt, run.finishedAt, Date.now()) ?? '—',
    },
    { id: 'version', header: t('runs.list.colVersion'), align: 'end', cell: (run) => `v${run.workflowVersion}` },
  ];

  const compareHref =
    picked.length === 2
      ? `${runsHref(project, workflow)}/compare?a=${encodeURIComponent(picked[0] as string)}&b=${encodeURIComponent(picked[1] as string)}`
      : undefined;

  return (
    <>
      <PageHeader
        title={t('runs.list.title')}
        breadcrumbs={[
          { label: t('nav.projects'), href: '/projects' },
          { label: project, href: `/projects/${encodeURIComponent(project)}` },
          {
            label: workflow,
            href: `/projects/${encodeURIComponent(project)}/workflows/${encodeURIComponent(workflow)}`,
          },
        ]}
        description={t('runs.list.description', { workflow })}
        actions={
          <>
            {compareHref ? (
              <LinkButton href={compareHref}>{t('runs.list.compare')}</LinkButton>
            ) : (
              <Button disabled title={t('runs.list.compareHint')}>
                {t('runs.list.compare')}
              </Button>
            )}
            {tenant ? <StartRunButton tenant={tenant} project={project} workflow={workflow} /> : null}
          </>
        }
      />
      <form className={styles.filters} aria-label={t('runs.list.filters')} onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          label={t('runs.list.filterPhase')}
          value={phase}
          onChange={setPhase}
          anyLabel={t('runs.list.any')}
          options={RUN_PHASES.map((p) => ({ value: p, label: t(`phase.${p}`) }))}
        />
        <FilterSelect
          label={t('runs.list.filterTrigger')}
          value={trigger}
          onChange={setTrigger}
          anyLabel={t('runs.list.any')}
          options={TRIGGERS.map((tr) => ({ value: tr, label: t(`runs.trigger.${tr}`) }))}
        />
        <FilterSelect
          label={t('runs.list.filterTime')}
          value={range}
          onChange={setRange}
          options={(Object.keys(RANGES) as Range[]).map((r) => ({ value: r, label: t(`runs.list.range.${r}`) }))}
        />
        {total !== undefined ? (
          <span className={styles.muted} role="status">
            {t('runs.list.count', { count: total })}
          </span>
        ) : null}
      </form>
      <QueryTable<RunSummary>
        query={runs}
        loadFailed={t('runs.list.loadError')}
        caption={t('runs.list.title')}
        columns={columns}
        rows={rows}
        rowKey={(run) => run.id}
        loading={runs.isLoading || isTenantLoading}
        empty={{
          headingLevel: 3,
          icon: <RunIcon size={18} />,
          title: isFiltered ? t('runs.list.emptyFilteredTitle') : t('runs.list.emptyTitle'),
          description: isFiltered ? t('runs.list.emptyFilteredBody') : t('runs.list.emptyBody'),
        }}
      />
      {runs.hasNextPage ? (
        <div className={styles.more}>
          <Button onClick={() => void runs.fetchNextPage()} loading={runs.isFetchingNextPage}>
            {t('runs.list.more')}
          </Button>
        </div>
      ) : null}
    </>
  );
}

/** One filter of the runs list: a labelled select; `anyLabel` adds the option '' that filters nothing. */
function FilterSelect<Value extends string>({
  label,
  value,
  onChange,
  options,
  anyLabel,
}: {
  label: string;
  value: Value;
  onChange: (value: Value) => void;
  options: readonly { value: Value; label: string }[];
  anyLabel?: string;
}) {
  return (
    <label className={styles.filter}>
      <span>{label}</span>
      <select className={styles.filterSelect} value={value} onChange={(e) => onChange(e.target.value as Value)}>
        {anyLabel === undefined ? null : <option value="">{anyLabel}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}
