'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { type ReactNode, useState } from 'react';
import { IntegrationsIcon } from '@/components/icons';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { NameCell } from '@/components/ui/name-cell';
import { PageHeader } from '@/components/ui/page-header';
import { QueryTable } from '@/components/ui/query-table';
import { actionsColumn, mutationAction } from '@/components/ui/row-actions';
import type { Column } from '@/components/ui/table';
import { dateTimeColumn } from '@/features/projects/date-time';
import { TenantRequired } from '@/features/projects/tenant-required';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { useListMutation } from '@/lib/use-list-mutation';
import { IntegrationDrawer } from './integration-drawer';
import { serverOf } from './integration-forms';
import { DeleteIntegrationDocument, type IntegrationRow, IntegrationsDocument } from './integrations.documents';
import styles from './integrations.module.css';
import { integrationHref } from './webhook-deliveries';

type DrawerState = { open: false } | { open: true; integration?: IntegrationRow };

/** Integration Center: the tenant's external systems (SCM, registries, clusters, …). */
export function IntegrationsView() {
  const { t } = useI18n();
  const [drawer, setDrawer] = useState<DrawerState>({ open: false });
  // The page's add button; the empty table offers it too.
  const addButton = (
    <Button variant="primary" onClick={() => setDrawer({ open: true })}>
      {t('integrations.add')}
    </Button>
  );
  return (
    <>
      <PageHeader
        title={t('integrations.title')}
        breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
        description={t('integrations.description')}
        actions={addButton}
      />
      <TenantRequired>
        {(tenant) => <IntegrationsTable addButton={addButton} tenant={tenant} drawer={drawer} setDrawer={setDrawer} />}
      </TenantRequired>
    </>
  );
}

function IntegrationsTable({
  tenant,
  addButton,
  drawer,
  setDrawer,
}: {
  tenant: string;
  /** The page's add button, offered again by the empty table. */
  addButton: ReactNode;
  drawer: DrawerState;
  setDrawer: (state: DrawerState) => void;
}) {
  const { t } = useI18n();
  const query = useQuery({
    queryKey: queryKeys.integrations.all(tenant),
    queryFn: ({ signal }) => request(IntegrationsDocument, { tenant }, { signal }),
  });
  const remove = useListMutation(queryKeys.integrations.all(tenant), (name: string) =>
    request(DeleteIntegrationDocument, { input: { tenant, name } }),
  );

  const columns: Column<IntegrationRow>[] = [
    {
      id: 'name',
      header: t('integrations.col.name'),
      sortValue: (i) => i.name,
      cell: (i) => (
        <NameCell
          name={
            <Link href={integrationHref(i.name)} className={styles.nameButton}>
              {i.name}
            </Link>
          }
          notes={[i.description]}
        />
      ),
    },
    {
      id: 'type',
      header: t('integrations.col.type'),
      sortValue: (i) => i.type,
      cell: (i) => <span className={styles.typeBadge}>{t(`integrations.type.${i.type}`)}</span>,
    },
    {
      id: 'server',
      header: t('integrations.col.server'),
      sortValue: (i) => serverOf(i.config),
      cell: (i) => {
        const server = serverOf(i.config);
        return server ? (
          <span className={styles.mono}>{server}</span>
        ) : (
          <span className={styles.muted}>{t('common.notAvailable')}</span>
        );
      },
    },
    dateTimeColumn('created', t('integrations.col.created'), (i) => i.createdAt),
    actionsColumn(t('settings.col.actions'), (i) => [
      {
        label: t('integrations.edit'),
        ariaLabel: t('integrations.editNamed', { name: i.name }),
        onClick: () => setDrawer({ open: true, integration: i }),
      },
      mutationAction(remove, i.name, {
        label: t('common.delete'),
        ariaLabel: t('integrations.deleteNamed', { name: i.name }),
        confirm: t('integrations.deleteConfirm', { name: i.name }),
      }),
    ]),
  ];

  return (
    <>
      <QueryTable
        query={query}
        loadFailed={t('integrations.loadFailed')}
        caption={t('integrations.title')}
        columns={columns}
        rows={query.data?.integrations ?? []}
        rowKey={(i) => i.id}
        initialSort={{ columnId: 'name', direction: 'ascending' }}
        empty={{
          icon: <IntegrationsIcon size={20} />,
          title: t('integrations.emptyTitle'),
          description: t('integrations.emptyBody'),
          action: addButton,
        }}
      />
      <ErrorState title={t('integrations.deleteFailed')} error={remove.error} />
      <IntegrationDrawer
        tenant={tenant}
        open={drawer.open}
        integration={drawer.open ? drawer.integration : undefined}
        onClose={() => setDrawer({ open: false })}
        // A new integration stays open in edit mode, so it can be tested right away.
        onSaved={(saved) => setDrawer({ open: true, integration: saved })}
      />
    </>
  );
}
