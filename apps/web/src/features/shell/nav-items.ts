import type { ComponentType } from 'react';
import {
  type IconProps,
  IntegrationsIcon,
  LogSearchIcon,
  OverviewIcon,
  ProjectsIcon,
  TemplatesIcon,
  WorkflowsIcon,
} from '@/components/icons';
import type { MessageKey } from '@/i18n/locales';

export interface NavItem {
  href: string;
  label: MessageKey;
  icon: ComponentType<IconProps>;
}

/** The left navigation, in the order of the original Cyclone (log search added after workflows). */
export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/', label: 'nav.overview', icon: OverviewIcon },
  { href: '/projects', label: 'nav.projects', icon: ProjectsIcon },
  { href: '/templates', label: 'nav.templates', icon: TemplatesIcon },
  { href: '/workflows', label: 'nav.workflows', icon: WorkflowsIcon },
  { href: '/logs', label: 'nav.logSearch', icon: LogSearchIcon },
  { href: '/integrations', label: 'nav.integrations', icon: IntegrationsIcon },
];

export function isActive(href: string, pathname: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}
