'use client';

import Link from 'next/link';
import tabStyles from '@/components/ui/tabs.module.css';
import { useT } from '@/i18n/i18n-provider';

const SECTIONS = [
  { href: '/templates', label: 'templates.nav.stages' },
  { href: '/templates/resource-types', label: 'templates.nav.resourceTypes' },
] as const;

/** Stage templates and resource types: two pages under the Templates item of the navigation. */
export function TemplatesNav({ current }: { current: '/templates' | '/templates/resource-types' }) {
  const t = useT();
  return (
    <nav aria-label={t('templates.nav.label')} className={tabStyles.tabs}>
      {SECTIONS.map((section) => (
        <Link
          key={section.href}
          href={section.href}
          className={tabStyles.tab}
          aria-current={section.href === current ? 'page' : undefined}
        >
          {t(section.label)}
        </Link>
      ))}
    </nav>
  );
}
