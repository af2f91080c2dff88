'use client';

import { ProjectsIcon } from '@/components/icons';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { useT } from '@/i18n/i18n-provider';

export function ProjectsView() {
  const t = useT();
  return (
    <>
      <PageHeader
        title={t('projects.title')}
        breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
        description={t('projects.description')}
      />
      <EmptyState
        icon={<ProjectsIcon size={20} />}
        title={t('projects.emptyTitle')}
        description={t('projects.emptyBody')}
      />
    </>
  );
}
