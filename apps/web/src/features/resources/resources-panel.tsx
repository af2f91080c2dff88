'use client';

import { ResourceTypesDocument } from '@cyclone/api-contract';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { actionsColumn } from '@/components/ui/row-actions';
import { type Column, Table } from '@/components/ui/table';
import { formatDateTime } from '@/features/projects/format';
import styles from '@/features/projects/projects.module.css';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { useListEditing } from '@/lib/use-list-editing';
import { ResourceDrawer, type ServerError } from './resource-drawer';
import { blankResourceDraft, draftFromResource, draftToResourceFields, serverFieldError } from './resource-form';
import {
  CreateResourceDocument,
  DeleteResourceDocument,
  type ResourceRow,
  TenantIntegrationsDocument,
  UpdateResourceDocument,
} from './resources.documents';
import { useCanWrite } from './use-can-write';

type Editing = { mode: 'create'; from?: undefined } | { mode: 'edit'; from: ResourceRow };

/** The Resources tab of a project: the list, and for DEVELOPERs a form to add, change and delete them. */
export function ResourcesPanel({
  tenant,
  project,
  rows,
  loading,
}: {
  tenant: string;
  project: string;
  rows: readonly ResourceRow[];
  loading: boolean;
}) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const canWrite = useCanWrite(tenant);
  const types = useQuery({
    queryKey: queryKeys.resourceTypes.all(tenant),
    queryFn: ({ signal }) => request(ResourceTypesDocument, { tenant }, { signal }),
    enabled: canWrite,
  });
  const integrations = useQuery({
    queryKey: queryKeys.integrations.options(tenant),
    queryFn: ({ signal }) => request(TenantIntegrationsDocument, { tenant }, { signal }),
    enabled: canWrite,
  });
  const typeList = types.data?.resourceTypes ?? [];
  const list = useListEditing<Editing, ServerError>({
    refresh: () => queryClient.invalidateQueries({ queryKey: queryKeys.projects.detail(tenant, project) }),
    saveError: serverFieldError,
  });

  const save = (draft: Parameters<typeof draftToResourceFields>[0]) =>
    list.save(async (editing) => {
      const type = typeList.find((candidate) => candidate.type === draft.type);
      const fields = draftToResourceFields(draft, type, editing.from?.secretParameters ?? []);
      const input = { tenant, project, ...fields, type: fields.type as ResourceRow['type'] };
      if (editing.mode === 'create') await request(CreateResourceDocument, { input });
      else await request(UpdateResourceDocument, { input });
    });

  const remove = (resource: ResourceRow) =>
    list.remove(t('resources.deleteConfirm', { name: resource.name }), () =>
      request(DeleteResourceDocument, { input: { tenant, project, name: resource.name } }),
    );

  const columns: Column<ResourceRow>[] = [
    { id: 'name', header: t('project.col.name'), sortValue: (r) => r.name, cell: (r) => <strong>{r.name}</strong> },
    {
      id: 'type',
      header: t('project.col.type'),
      sortValue: (r) => r.registeredType ?? r.type,
      cell: (r) => (r.type === 'REGISTERED' ? (r.registeredType ?? r.type) : r.type),
    },
    {
      id: 'integration',
      header: t('project.col.integration'),
      sortValue: (r) => r.integration,
      cell: (r) => r.integration ?? t('common.notAvailable'),
    },
    {
      id: 'created',
      header: t('projects.col.created'),
      sortValue: (r) => r.createdAt,
      cell: (r) => formatDateTime(r.createdAt, locale),
    },
    ...(canWrite
      ? [
          actionsColumn(t('resources.col.actions'), (r: ResourceRow) => [
            {
              label: t('resources.edit'),
              ariaLabel: t('resources.editNamed', { name: r.name }),
              disabled: types.isLoading,
              onClick: () => list.open({ mode: 'edit', from: r }),
            },
            {
              label: t('resources.delete'),
              ariaLabel: t('resources.deleteNamed', { name: r.name }),
              onClick: () => void remove(r),
            },
          ]),
        ]
      : []),
  ];

  return (
    <>
      {canWrite ? (
        <div className={styles.toolbar}>
          <Button variant="secondary" disabled={types.isLoading} onClick={() => list.open({ mode: 'create' })}>
            {t('resources.new')}
          </Button>
        </div>
      ) : null}
      <Table
        caption={t('project.tab.resources')}
        columns={columns}
        rows={[...rows]}
        rowKey={(r) => r.id}
        loading={loading}
        empty={{ title: t('project.resourcesEmptyTitle'), description: t('project.resourcesEmptyBody') }}
      />
      <ErrorState title={t('resources.deleteFailed')} error={list.deleteError} />
      {list.editing ? (
        <ResourceDrawer
          key={`${list.editing.mode}/${list.editing.from?.name ?? ''}`}
          mode={list.editing.mode}
          initial={list.editing.from ? draftFromResource(list.editing.from, typeList) : blankResourceDraft(typeList[0])}
          types={typeList}
          integrations={integrations.data?.integrations ?? []}
          sealed={list.editing.from?.secretParameters ?? []}
          onSave={(draft) => void save(draft)}
          {...list.drawer}
        />
      ) : null}
    </>
  );
}
