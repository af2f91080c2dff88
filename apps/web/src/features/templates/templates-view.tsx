'use client';

import { TemplatesIcon } from '@/components/icons';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { useT } from '@/i18n/i18n-provider';

export function TemplatesView() {
  const t = useT();
  return (
    <>
      <PageHeader
        title={t('templates.title')}
        breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
        description={t('templates.description')}
      />
      <EmptyState
        icon={<TemplatesIcon size={20} />}
        title={t('templates.emptyTitle')}
        description={t('templates.emptyBody')}
      />
    </>
  );
}
