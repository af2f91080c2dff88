'use client';

import { IntegrationsIcon } from '@/components/icons';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { useT } from '@/i18n/i18n-provider';

export function IntegrationsView() {
  const t = useT();
  return (
    <>
      <PageHeader
        title={t('integrations.title')}
        breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
        description={t('integrations.description')}
      />
      <EmptyState
        icon={<IntegrationsIcon size={20} />}
        title={t('integrations.emptyTitle')}
        description={t('integrations.emptyBody')}
      />
    </>
  );
}
