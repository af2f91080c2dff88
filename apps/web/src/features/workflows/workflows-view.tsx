'use client';

import { WorkflowsIcon } from '@/components/icons';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { useT } from '@/i18n/i18n-provider';

export function WorkflowsView() {
  const t = useT();
  return (
    <>
      <PageHeader
        title={t('workflows.title')}
        breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
        description={t('workflows.description')}
      />
      <EmptyState
        icon={<WorkflowsIcon size={20} />}
        title={t('workflows.emptyTitle')}
        description={t('workflows.emptyBody')}
      />
    </>
  );
}
