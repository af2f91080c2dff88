'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { useT } from '@/i18n/i18n-provider';
import styles from './page-header.module.css';

export interface Crumb {
  label: string;
  href?: string;
}

export interface PageHeaderProps {
  title: string;
  /** Trail above the title, outermost first; the current page is added from `title`. */
  breadcrumbs?: Crumb[];
  description?: ReactNode;
  /** The page's primary action (and secondary ones), shown on the right. */
  actions?: ReactNode;
}

export function Breadcrumbs({ items }: { items: Crumb[] }) {
  const t = useT();
  return (
    <nav aria-label={t('breadcrumbs.label')} className={styles.breadcrumbs}>
      <ol>
        {items.map((item, index) => {
          const isLast = index === items.length - 1;
          return (
            <li key={`${item.href ?? ''}|${item.label}`}>
              {item.href && !isLast ? (
                <Link href={item.href}>{item.label}</Link>
              ) : (
                <span aria-current={isLast ? 'page' : undefined}>{item.label}</span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/** Breadcrumbs, page title (also the document title) and the primary action. */
export function PageHeader({ title, breadcrumbs = [], description, actions }: PageHeaderProps) {
  const t = useT();
  return (
    <header className={styles.header}>
      <title>{`${title} · ${t('app.name')}`}</title>
      <Breadcrumbs items={[...breadcrumbs, { label: title }]} />
      <div className={styles.row}>
        <div className={styles.text}>
          <h1 className={styles.title}>{title}</h1>
          {description ? <p className={styles.description}>{description}</p> : null}
        </div>
        {actions ? <div className={styles.actions}>{actions}</div> : null}
      </div>
    </header>
  );
}
