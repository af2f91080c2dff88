'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { SkeletonText } from '@/components/ui/skeleton';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { RegistryRepositoriesDocument } from './integration-detail.documents';
import styles from './integration-detail.module.css';
import { filterByQuery } from './name-filter';
import { RefreshableSection } from './refreshable-section';

const SHOWN = 200;

/** The registry's catalog (`/v2/_catalog`): which images a stage or resource can name. */
export function RegistryRepositoriesPanel({ tenant, name }: { tenant: string; name: string }) {
  const t = useT();
  const [filter, setFilter] = useState('');
  const query = useQuery({
    queryKey: queryKeys.integrations.registryRepositories(tenant, name),
    queryFn: ({ signal }) => request(RegistryRepositoriesDocument, { tenant, name, first: SHOWN }, { signal }),
    // A registry that is down answers slowly; one failure is enough to show why.
    retry: false,
  });
  const all = query.data?.integration?.registryRepositories ?? [];
  const shown = filterByQuery(all, filter);

  return (
    <RefreshableSection
      id="registry-repositories"
      title={t('registry.title')}
      hint={t('registry.hint', { count: SHOWN })}
      query={query}
    >
      {query.error ? (
        <ErrorState title={t('registry.loadFailed')} error={query.error} onRetry={() => void query.refetch()} />
      ) : query.isLoading ? (
        <div aria-busy="true">
          <span className="visually-hidden" role="status">
            {t('common.loading')}
          </span>
          <SkeletonText lines={4} />
        </div>
      ) : all.length === 0 ? (
        <EmptyState headingLevel={3} title={t('registry.emptyTitle')} description={t('registry.emptyBody')} />
      ) : (
        <>
          <TextField
            label={t('registry.filter')}
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            autoComplete="off"
            className={styles.filter}
          />
          <ul className={styles.repoList} aria-label={t('registry.listLabel')}>
            {shown.map((repository) => (
              <li key={repository} className={styles.mono}>
                {repository}
              </li>
            ))}
          </ul>
          <p className={styles.muted} aria-live="polite">
            {t('registry.count', { shown: shown.length, total: all.length })}
          </p>
        </>
      )}
    </RefreshableSection>
  );
}
