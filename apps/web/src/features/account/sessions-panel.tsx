'use client';

import { useQuery } from '@tanstack/react-query';
import { ErrorState } from '@/components/ui/error-state';
import { QueryTable } from '@/components/ui/query-table';
import { actionsColumn, mutationAction } from '@/components/ui/row-actions';
import { Section } from '@/components/ui/section';
import type { Column } from '@/components/ui/table';
import { useSignOut } from '@/features/auth/session';
import { DateTime, dateTimeColumn } from '@/features/projects/date-time';
import { formatDateTime } from '@/features/projects/format';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { useListMutation } from '@/lib/use-list-mutation';
import { RevokeSessionDocument, type SessionRow, SessionsDocument } from './account.documents';
import styles from './account.module.css';

/** Where you are signed in: each session with its browser and address; sign any of them out. */
export function SessionsPanel() {
  const { t, locale } = useI18n();
  const signOut = useSignOut();
  const query = useQuery({
    queryKey: queryKeys.account.sessions,
    queryFn: ({ signal }) => request(SessionsDocument, undefined, { signal }),
  });
  const revoke = useListMutation(queryKeys.account.sessions, (id: string) => request(RevokeSessionDocument, { id }));

  const columns: Column<SessionRow>[] = [
    {
      id: 'created',
      header: t('account.sessions.col.signedIn'),
      sortValue: (r) => r.createdAt,
      cell: (r) => (
        <>
          <DateTime iso={r.createdAt} />
          {r.isCurrent ? <span className={styles.current}>{t('account.sessions.current')}</span> : null}
        </>
      ),
    },
    {
      id: 'client',
      header: t('account.sessions.col.client'),
      cell: (r) => (
        <span className={styles.client}>
          <span className={styles.agent} title={r.userAgent}>
            {r.userAgent || t('account.sessions.unknownClient')}
          </span>
          {r.clientIp ? <span className={styles.muted}>{r.clientIp}</span> : null}
        </span>
      ),
    },
    dateTimeColumn(
      'lastUsed',
      t('account.sessions.col.lastUsed'),
      (r) => r.lastUsedAt,
      t('account.sessions.neverUsed'),
    ),
    dateTimeColumn('expires', t('account.sessions.col.expires'), (r) => r.expiresAt),
    actionsColumn(t('account.sessions.col.actions'), (r) =>
      r.isCurrent
        ? [{ label: t('account.signOut'), onClick: () => void signOut() }]
        : [
            mutationAction(revoke, r.id, {
              label: t('account.sessions.revoke'),
              ariaLabel: t('account.sessions.revokeNamed', { when: formatDateTime(r.createdAt, locale) }),
            }),
          ],
    ),
  ];

  return (
    <Section id="sessions-title" title={t('account.sessions.title')} hint={t('account.sessions.hint')}>
      <QueryTable
        query={query}
        loadFailed={t('account.sessions.loadFailed')}
        caption={t('account.sessions.title')}
        columns={columns}
        rows={query.data?.sessions ?? []}
        rowKey={(r) => r.id}
        initialSort={{ columnId: 'created', direction: 'descending' }}
        empty={{ title: t('account.sessions.emptyTitle') }}
      />
      <ErrorState title={t('account.sessions.revokeFailed')} error={revoke.error} />
    </Section>
  );
}
