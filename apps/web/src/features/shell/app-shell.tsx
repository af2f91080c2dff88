'use client';

import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { Skeleton, SkeletonText } from '@/components/ui/skeleton';
import { DefaultPasswordBanner } from '@/features/account/default-password-banner';
import { AuthGuard } from '@/features/auth/auth-guard';
import { useT } from '@/i18n/i18n-provider';
import { EngineWarning } from './engine-warning';
import { usePrefetchRoute } from './route-prefetch';
import styles from './shell.module.css';
import { SideNav } from './side-nav';

/** The signed-in layout: navigation on the left, the page on the right. */
export function AppShell({ children }: { children: ReactNode }) {
  const t = useT();
  usePrefetchRoute(usePathname());
  return (
    <AuthGuard fallback={<ShellSkeleton />}>
      <a href="#main" className="skip-link">
        {t('app.skipToContent')}
      </a>
      <div className={styles.shell}>
        <SideNav />
        <main id="main" className={styles.main} tabIndex={-1}>
          <div className={styles.content}>
            <EngineWarning />
            <DefaultPasswordBanner />
            {children}
          </div>
        </main>
      </div>
    </AuthGuard>
  );
}

/** Same geometry as the shell, shown while the session is checked. */
function ShellSkeleton() {
  const t = useT();
  return (
    <div className={styles.shell} aria-busy="true">
      <title>{t('app.name')}</title>
      <span className="visually-hidden" role="status">
        {t('common.loading')}
      </span>
      <div className={styles.sidebar}>
        <div className={styles.sidebarInner}>
          <div className={styles.brand}>
            <Skeleton width={24} height={24} radius={6} />
            <Skeleton width="5rem" height="1rem" />
          </div>
          <Skeleton height="3rem" radius="var(--radius-md)" />
          <div className={styles.navSkeleton}>
            {[72, 60, 65, 70, 80].map((width) => (
              <Skeleton key={width} width={`${width}%`} height="1rem" />
            ))}
          </div>
        </div>
      </div>
      <div className={styles.main}>
        <div className={styles.content}>
          <Skeleton width="8rem" height="0.75rem" />
          <div style={{ height: '0.75rem' }} />
          <Skeleton width="14rem" height="1.75rem" />
          <div style={{ height: '2rem' }} />
          <SkeletonText lines={4} />
        </div>
      </div>
    </div>
  );
}
