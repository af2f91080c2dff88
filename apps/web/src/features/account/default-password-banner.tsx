'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { DefaultPasswordDocument } from './account.documents';
import styles from './account.module.css';

/**
 * On every page while you still sign in with the seeded administrator's documented
 * default password (the API refuses to start with it off loopback): change it.
 */
export function DefaultPasswordBanner() {
  const t = useT();
  const { data } = useQuery({
    queryKey: queryKeys.account.defaultPassword,
    queryFn: ({ signal }) => request(DefaultPasswordDocument, undefined, { signal }),
    staleTime: 60_000,
  });
  if (!data?.me?.hasDefaultPassword) return null;
  return (
    <div role="alert" className={styles.banner} data-testid="default-password-banner">
      <strong>{t('account.defaultPassword.title')}</strong> {t('account.defaultPassword.body')}{' '}
      <Link href="/account">{t('account.defaultPassword.link')}</Link>
    </div>
  );
}
