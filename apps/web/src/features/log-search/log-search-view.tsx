'use client';

import { graphql, type LogSearchHit, SearchLogsDocument } from '@cyclone/api-contract';
import { parseLogSearch } from '@cyclone/domain/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { LogSearchIcon } from '@/components/icons';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { type Column, Table } from '@/components/ui/table';
import { TextField } from '@/components/ui/text-field';
import { TenantRequired } from '@/features/projects/tenant-required';
import { runHref } from '@/features/runs/runs.documents';
import { useI18n } from '@/i18n/i18n-provider';
import type { MessageKey } from '@/i18n/locales';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { HighlightedLine } from './highlighted-line';
import { hitHref } from './log-search.documents';
import styles from './log-search.module.css';
import { type SearchState, SINCE_OPTIONS, type SinceOption, searchHref, sinceInstant } from './search-state';

const PAGE_SIZE = 50;

const ProjectNamesDocument = graphql(`
  query LogSearchProjects($tenant: String!) {
    tenant(name: $tenant) {
      projects {
        name
      }
    }
  }
`);

/** The log search page: the form keeps its fields in the address (`/logs?q=…`), the hits link to their line. */
export function LogSearchView({ state }: { state: SearchState }) {
  const { t } = useI18n();
  return (
    <>
      <PageHeader
        title={t('logSearch.title')}
        breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
        description={t('logSearch.description')}
      />
      <TenantRequired>{(tenant) => <LogSearch key={tenant} tenant={tenant} state={state} />}</TenantRequired>
    </>
  );
}

function invalidMessage(error: string, t: (key: MessageKey, params?: Record<string, string>) => string): string {
  if (error.startsWith('is empty')) return t('logSearch.invalid.empty');
  if (error.startsWith('needs a word')) return t('logSearch.invalid.short');
  return t('logSearch.invalid.other', { reason: error });
}

function LogSearch({ tenant, state }: { tenant: string; state: SearchState }) {
  const { t, locale } = useI18n();
  const router = useRouter();
  const href = searchHref(state);
  const [draft, setDraft] = useState(state);
  const [draftError, setDraftError] = useState<string>();
  // The address changed (back, forward, a shared link): the form shows that search.
  // biome-ignore lint/correctness/useExhaustiveDependencies: href stands for the state's fields.
  useEffect(() => {
    setDraft(state);
    setDraftError(undefined);
  }, [href]);

  const parsed = useMemo(() => (state.query ? parseLogSearch(state.query) : undefined), [state.query]);
  const terms = parsed && 'terms' in parsed ? parsed.terms : undefined;
  // A range becomes an instant once per search, so the query key stays stable while paging.
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed per search (href).
  const since = useMemo(() => sinceInstant(state.since, Date.now()), [href]);
  const projects = useQuery({
    queryKey: [...queryKeys.projects.all(tenant), 'names'],
    queryFn: ({ signal }) => request(ProjectNamesDocument, { tenant }, { signal }),
  });
  const hits = useInfiniteQuery({
    queryKey: queryKeys.logSearch.hits(tenant, { ...state, since }),
    enabled: Boolean(terms),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      request(
        SearchLogsDocument,
        {
          tenant,
          query: state.query,
          project: state.project || null,
          workflow: state.workflow || null,
          since: since ?? null,
          first: PAGE_SIZE,
          after: pageParam,
        },
        { signal },
      ),
    getNextPageParam: (last) => (last.searchLogs.pageInfo.hasNextPage ? last.searchLogs.pageInfo.endCursor : undefined),
  });
  const rows = hits.data?.pages.flatMap((page) => page.searchLogs.edges.map((edge) => edge.node)) ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const check = parseLogSearch(draft.query);
    if ('error' in check) {
      setDraftError(invalidMessage(check.error, t));
      return;
    }
    setDraftError(undefined);
    router.push(searchHref(draft));
  };

  const columns: Column<LogSearchHit>[] = [
    {
      id: 'time',
      header: t('logSearch.colTime'),
      width: '11rem',
      cell: (hit) => <time dateTime={hit.timestamp}>{new Date(hit.timestamp).toLocaleString(locale)}</time>,
    },
    {
      id: 'run',
      header: t('logSearch.colRun'),
      width: '11rem',
      cell: (hit) => (
        <Link href={runHref(hit.run)}>
          {t('logSearch.runLabel', { workflow: hit.run.workflow.name, number: hit.run.number })}
        </Link>
      ),
    },
    {
      id: 'stage',
      header: t('logSearch.colStage'),
      width: '9rem',
      cell: (hit) => (
        <Link
          href={hitHref(hit)}
          className={styles.mono}
          aria-label={t('logSearch.openLine', { line: hit.seq, stage: hit.stage, number: hit.run.number })}
        >
          {hit.stage}:{hit.seq}
        </Link>
      ),
    },
    {
      id: 'line',
      header: t('logSearch.colLine'),
      cell: (hit) => (
        <Link href={hitHref(hit)} className={styles.hitLine} data-testid="log-search-hit">
          <HighlightedLine text={hit.line} terms={terms ?? []} />
        </Link>
      ),
    },
  ];

  return (
    <>
      <form className={styles.form} aria-label={t('logSearch.form')} onSubmit={submit} noValidate>
        <TextField
          className={styles.query}
          label={t('logSearch.query')}
          type="search"
          value={draft.query}
          placeholder={t('logSearch.queryHint')}
          onChange={(event) => setDraft({ ...draft, query: event.target.value })}
          error={draftError}
          autoComplete="off"
          spellCheck={false}
        />
        <label className={styles.filter}>
          <span>{t('logSearch.project')}</span>
          <select
            className={styles.filterSelect}
            value={draft.project}
            onChange={(event) => setDraft({ ...draft, project: event.target.value })}
          >
            <option value="">{t('logSearch.any')}</option>
            {(projects.data?.tenant?.projects ?? []).map((project) => (
              <option key={project.name} value={project.name}>
                {project.name}
              </option>
            ))}
          </select>
        </label>
        <TextField
          className={styles.workflow}
          label={t('logSearch.workflow')}
          value={draft.workflow}
          onChange={(event) => setDraft({ ...draft, workflow: event.target.value })}
          autoComplete="off"
        />
        <label className={styles.filter}>
          <span>{t('logSearch.since')}</span>
          <select
            className={styles.filterSelect}
            value={draft.since}
            onChange={(event) => setDraft({ ...draft, since: event.target.value as SinceOption | '' })}
          >
            <option value="">{t('logSearch.any')}</option>
            {SINCE_OPTIONS.map((option) => (
              <option key={option} value={option}>
                {t(`logSearch.range.${option}`)}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit" variant="primary" loading={hits.isFetching && !hits.isFetchingNextPage}>
          {t('logSearch.submit')}
        </Button>
      </form>
      {parsed && 'error' in parsed ? (
        <ErrorState title={t('logSearch.error')} error={new Error(invalidMessage(parsed.error, t))} />
      ) : !terms ? (
        <EmptyState
          icon={<LogSearchIcon size={20} />}
          title={t('logSearch.startTitle')}
          description={t('logSearch.startBody')}
        />
      ) : hits.error ? (
        <ErrorState title={t('logSearch.error')} error={hits.error} onRetry={() => void hits.refetch()} />
      ) : (
        <section aria-labelledby="log-search-results">
          <h2 id="log-search-results" className={styles.resultsTitle}>
            {t('logSearch.results')}
            {hits.data ? (
              <span className={styles.count} role="status">
                {t('logSearch.shown', { count: rows.length })}
              </span>
            ) : null}
          </h2>
          <Table<LogSearchHit>
            caption={t('logSearch.results')}
            columns={columns}
            rows={rows}
            rowKey={(hit) => `${hit.run.id}/${hit.stage}/${hit.seq}`}
            loading={hits.isLoading}
            empty={{
              headingLevel: 3,
              icon: <LogSearchIcon size={18} />,
              title: t('logSearch.emptyTitle'),
              description: t('logSearch.emptyBody'),
            }}
          />
          {hits.hasNextPage ? (
            <div className={styles.more}>
              <Button onClick={() => void hits.fetchNextPage()} loading={hits.isFetchingNextPage}>
                {t('logSearch.more')}
              </Button>
            </div>
          ) : null}
        </section>
      )}
    </>
  );
}
