'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { LogoMark } from '@/components/icons';
import { useT } from '@/i18n/i18n-provider';
import { LiveStatus } from './live-status';
import { isActive, NAV_ITEMS } from './nav-items';
import styles from './shell.module.css';
import { TenantSwitcher } from './tenant-switcher';
import { UserMenu } from './user-menu';

export function SideNav() {
  const t = useT();
  const pathname = usePathname() ?? '/';
  return (
    <aside className={styles.sidebar}>
      <div className={styles.sidebarInner}>
        <Link href="/" className={styles.brand}>
          <LogoMark size={24} />
          <span>{t('app.name')}</span>
        </Link>
        <TenantSwitcher />
        <nav aria-label={t('nav.label')} className={styles.nav}>
          <ul>
            {NAV_ITEMS.map(({ href, label, icon: Icon }) => {
              const active = isActive(href, pathname);
              return (
                <li key={href}>
                  <Link href={href} className={styles.navLink} aria-current={active ? 'page' : undefined}>
                    <Icon size={16} />
                    <span>{t(label)}</span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <LiveStatus />
        <UserMenu />
      </div>
    </aside>
  );
}
