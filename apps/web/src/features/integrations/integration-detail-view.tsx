'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { SkeletonText } from '@/components/ui/skeleton';
import { formatDateTime } from '@/features/projects/format';
import { TenantRequired } from '@/features/projects/tenant-required';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { IntegrationDocument } from './integration-detail.documents';
import styles from './integration-detail.module.css';
import { IntegrationDrawer } from './integration-drawer';
import { CATEGORY_OF, serverOf } from './integration-forms';
import { RegistryRepositoriesPanel } from './registry-repositories-panel';
import { WebhookDeliveriesPanel } from './webhook-deliveries-panel';

/** One integration: its settings, and what it sees (webhook deliveries, registry catalog). */
export function IntegrationDetailView({ name }: { name: string }) {
  const { t } = useI18n();
  const [isEditing, setEditing] = useState(false);
  return (
    <>
      <PageHeader
        title={name}
        breadcrumbs={[
          { label: t('breadcrumbs.home'), href: '/' },
          { label: t('integrations.title'), href: '/integrations' },
        ]}
        description={t('integrationDetail.description')}
        actions={
          <>
            <LinkButton variant="ghost" href="/integrations">
              {t('integrationDetail.back')}
            </LinkButton>
            <Button variant="primary" onClick={() => setEditing(true)}>
              {t('integrations.edit')}
            </Button>
          </>
        }
      />
      <TenantRequired>
        {(tenant) => (
          <IntegrationDetail tenant={tenant} name={name} isEditing={isEditing} onEditClose={() => setEditing(false)} />
        )}
      </TenantRequired>
    </>
  );
}

function IntegrationDetail({
  tenant,
  name,
  isEditing,
  onEditClose,
}: {
  tenant: string;
  name: string;
  isEditing: boolean;
  onEditClose: () => void;
}) {
  const { t, locale } = useI18n();
  const query = useQuery({
    queryKey: queryKeys.integrations.detail(tenant, name),
    queryFn: ({ signal }) => request(IntegrationDocument, { tenant, name }, { signal }),
  });

  if (query.error) {
    return <ErrorState title={t('integrations.loadFailed')} error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (query.isLoading) return <SkeletonText lines={6} />;
  const integration = query.data?.integration;
  if (!integration) {
    return (
      <EmptyState
        title={t('integrationDetail.notFound')}
        description={t('integrationDetail.notFoundBody', { name, tenant })}
        action={<LinkButton href="/integrations">{t('integrationDetail.back')}</LinkButton>}
      />
    );
  }
  const category = CATEGORY_OF[integration.type];
  const server = serverOf(integration.config);

  return (
    <div className={styles.page}>
      <dl className={styles.facts}>
        <div>
          <dt>{t('integrations.col.type')}</dt>
          <dd>
            <span className={styles.typeBadge}>{t(`integrations.type.${integration.type}`)}</span>
          </dd>
        </div>
        <div>
          <dt>{t('integrations.col.server')}</dt>
          <dd className={styles.mono}>{server || t('common.notAvailable')}</dd>
        </div>
        <div>
          <dt>{t('integrations.field.description')}</dt>
          <dd>{integration.description || t('common.notAvailable')}</dd>
        </div>
        <div>
          <dt>{t('integrations.col.created')}</dt>
          <dd>
            <time dateTime={integration.createdAt}>{formatDateTime(integration.createdAt, locale)}</time>
          </dd>
        </div>
      </dl>
      {category === 'scm' ? (
        <WebhookDeliveriesPanel tenant={tenant} name={integration.name} integrationId={integration.id} />
      ) : null}
      {category === 'registry' ? <RegistryRepositoriesPanel tenant={tenant} name={integration.name} /> : null}
      <IntegrationDrawer
        tenant={tenant}
        open={isEditing}
        integration={isEditing ? integration : undefined}
        onClose={onEditClose}
        onSaved={onEditClose}
      />
    </div>
  );
}
