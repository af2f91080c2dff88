'use client';

import { TenantIcon } from '@/components/icons';
import { useT } from '@/i18n/i18n-provider';
import styles from './shell.module.css';

/**
 * The tenant switcher slot at the top of the navigation. The API has no tenants yet, so it
 * shows the empty state; it will list `tenants { name }` and keep the choice in the URL.
 */
export function TenantSwitcher() {
  const t = useT();
  return (
    <section className={styles.tenant} aria-label={t('tenant.label')}>
      <span className={styles.tenantIcon}>
        <TenantIcon size={14} />
      </span>
      <span className={styles.tenantText}>
        <span className={styles.tenantLabel}>{t('tenant.label')}</span>
        <span className={styles.tenantName} title={t('tenant.noneHint')}>
          {t('tenant.none')}
        </span>
      </span>
    </section>
  );
}
