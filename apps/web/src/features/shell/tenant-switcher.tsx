'use client';

import { TenantIcon } from '@/components/icons';
import { useT } from '@/i18n/i18n-provider';
import { useCurrentTenant } from '@/lib/current-tenant';
import styles from './shell.module.css';
import switcher from './tenant-switcher.module.css';

/** The tenant switcher at the top of the navigation: every page works in the chosen tenant. */
export function TenantSwitcher() {
  const t = useT();
  const { tenant, tenants, setTenant } = useCurrentTenant();
  return (
    <section className={styles.tenant} aria-label={t('tenant.label')}>
      <span className={styles.tenantIcon}>
        <TenantIcon size={14} />
      </span>
      <span className={styles.tenantText}>
        {tenants.length > 0 ? (
          <>
            <label className={styles.tenantLabel} htmlFor="tenant-switcher">
              {t('tenant.label')}
            </label>
            <select
              id="tenant-switcher"
              className={switcher.select}
              value={tenant ?? ''}
              onChange={(event) => setTenant(event.target.value)}
            >
              {tenants.map((item) => (
                <option key={item.name} value={item.name}>
                  {item.name}
                </option>
              ))}
            </select>
          </>
        ) : (
          <>
            <span className={styles.tenantLabel}>{t('tenant.label')}</span>
            <span className={styles.tenantName} title={t('tenant.noneHint')}>
              {t('tenant.none')}
            </span>
          </>
        )}
      </span>
    </section>
  );
}
