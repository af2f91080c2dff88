'use client';

import type { ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { Section } from '@/components/ui/section';
import { useT } from '@/i18n/i18n-provider';
import styles from './integration-detail.module.css';

/** What the refresh button needs of the panel's query (a TanStack query result fits). */
interface RefreshableQuery {
  refetch: () => unknown;
  isFetching: boolean;
  isLoading: boolean;
}

/** A panel of the integration page showing one query, with a button that asks the server again. */
export function RefreshableSection({
  id,
  title,
  hint,
  query,
  children,
}: {
  id: string;
  title: string;
  hint: string;
  query: RefreshableQuery;
  children: ReactNode;
}) {
  const t = useT();
  return (
    <Section
      id={id}
      title={title}
      hint={hint}
      className={styles.section}
      actions={
        // Spins for a refresh only: the first load shows its own placeholder.
        <Button size="sm" onClick={() => void query.refetch()} loading={query.isFetching && !query.isLoading}>
          {t('deliveries.refresh')}
        </Button>
      }
    >
      {children}
    </Section>
  );
}
