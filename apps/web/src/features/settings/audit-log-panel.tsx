'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { QueryTable } from '@/components/ui/query-table';
import { Section } from '@/components/ui/section';
import type { Column } from '@/components/ui/table';
import { TextField } from '@/components/ui/text-field';
import { formatDateTime } from '@/features/projects/format';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { SelectField } from './form-controls';
import { type AuditEventRow, AuditEventsDocument, type AuditOutcome } from './settings.documents';
import styles from './settings.module.css';
import { useDebounced } from './use-debounced';

const PAGE_SIZE = 25;

/** The tenant's audit log (ADMIN and up), newest first, filtered server-side, paged by cursor. */
export function AuditLogPanel({ tenant }: { tenant: string }) {
  const { t, locale } = useI18n();
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState<AuditOutcome | ''>('');
  const settledAction = useDebounced(action.trim());
  const filter = { action: settledAction || undefined, outcome: outcome || undefined };
  const query = useInfiniteQuery({
    queryKey: queryKeys.settings.audit(tenant, filter),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      request(AuditEventsDocument, { tenant, first: PAGE_SIZE, after: pageParam, filter }, { signal }),
    getNextPageParam: (last) =>
      last.auditEvents.pageInfo.hasNextPage ? (last.auditEvents.pageInfo.endCursor ?? undefined) : undefined,
  });
  const rows = query.data?.pages.flatMap((page) => page.auditEvents.edges.map((edge) => edge.node)) ?? [];
  const total = query.data?.pages[0]?.auditEvents.totalCount ?? 0;

  const columns: Column<AuditEventRow>[] = [
    {
      id: 'when',
      header: t('settings.audit.col.when'),
      cell: (e) => (
        <time className={styles.nowrap} dateTime={e.createdAt}>
          {formatDateTime(e.createdAt, locale)}
        </time>
      ),
    },
    {
      id: 'who',
      header: t('settings.audit.col.who'),
      cell: (e) => e.actorEmail ?? <span className={styles.muted}>{t('settings.audit.system')}</span>,
    },
    {
      id: 'action',
      header: t('settings.audit.col.action'),
      cell: (e) => <code className={styles.mono}>{e.action}</code>,
    },
    {
      id: 'object',
      header: t('settings.audit.col.object'),
      cell: (e) => (
        <span className={styles.userCell}>
          <span>{e.objectName || t('common.notAvailable')}</span>
          <span className={styles.muted}>{e.objectType}</span>
        </span>
      ),
    },
    {
      id: 'outcome',
      header: t('settings.audit.col.outcome'),
      cell: (e) => (
        <span className={styles.userCell}>
          <span className={styles.outcome} data-outcome={e.outcome}>
            {e.outcome === 'SUCCESS' ? '✓' : '✕'} {t(`settings.audit.outcome.${e.outcome}`)}
          </span>
          {e.outcome === 'FAILURE' && e.message ? <span className={styles.muted}>{e.message}</span> : null}
        </span>
      ),
    },
  ];

  return (
    <Section id="audit-title" title={t('settings.audit.title')} hint={t('settings.audit.hint')}>
      <search className={styles.filters} aria-label={t('settings.audit.filters')}>
        <TextField
          label={t('settings.audit.filterAction')}
          placeholder="project.create"
          value={action}
          onChange={(event) => setAction(event.target.value)}
          autoComplete="off"
        />
        <SelectField
          label={t('settings.audit.filterOutcome')}
          value={outcome}
          onChange={(event) => setOutcome(event.target.value as AuditOutcome | '')}
          options={[
            { value: '', label: t('settings.audit.outcome.any') },
            { value: 'SUCCESS', label: t('settings.audit.outcome.SUCCESS') },
            { value: 'FAILURE', label: t('settings.audit.outcome.FAILURE') },
          ]}
        />
      </search>
      <QueryTable
        query={query}
        loadFailed={t('settings.audit.loadFailed')}
        caption={t('settings.audit.title')}
        columns={columns}
        rows={rows}
        rowKey={(e) => e.id}
        empty={{ title: t('settings.audit.emptyTitle'), description: t('settings.audit.emptyBody') }}
      />
      {rows.length > 0 ? (
        <div className={styles.loadMore}>
          <span>{t('settings.audit.shown', { shown: rows.length, total })}</span>
          {query.hasNextPage ? (
            <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
              {t('settings.audit.loadMore')}
            </Button>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}
