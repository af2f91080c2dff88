'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { type Column, Table } from '@/components/ui/table';
import { formatDateTime } from '@/features/projects/format';
import styles from '@/features/projects/projects.module.css';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { ResourceDrawer, type ServerError } from './resource-drawer';
import { blankResourceDraft, draftFromResource, draftToResourceFields, serverFieldError } from './resource-form';
import {
  CreateResourceDocument,
  DeleteResourceDocument,
  type ResourceRow,
  ResourceTypesDocument,
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
  const [editing, setEditing] = useState<Editing>();
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<ServerError>();
  const [deleteError, setDeleteError] = useState<unknown>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.projects.detail(tenant, project) });

  const open = (next: Editing) => {
    setSaveError(undefined);
    setEditing(next);
  };

  const save = async (draft: Parameters<typeof draftToResourceFields>[0]) => {
    if (!editing) return;
    setBusy(true);
    setSaveError(undefined);
    try {
      const type = typeList.find((candidate) => candidate.type === draft.type);
      const fields = draftToResourceFields(draft, type, editing.from?.secretParameters ?? []);
      const input = { tenant, project, ...fields, type: fields.type as ResourceRow['type'] };
      if (editing.mode === 'create') await request(CreateResourceDocument, { input });
      else await request(UpdateResourceDocument, { input });
      await refresh();
      setEditing(undefined);
    } catch (error) {
      setSaveError(serverFieldError(error));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (resource: ResourceRow) => {
    if (!window.confirm(t('resources.deleteConfirm', { name: resource.name }))) return;
    setDeleteError(undefined);
    try {
      await request(DeleteResourceDocument, { input: { tenant, project, name: resource.name } });
    } catch (error) {
      setDeleteError(error);
    }
    await refresh();
  };

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
          {
            id: 'actions',
            header: t('resources.col.actions'),
            align: 'end' as const,
            cell: (r: ResourceRow) => (
              <span className={styles.actions}>
                <Button
                  size="sm"
                  variant="ghost"
                  disabled={types.isLoading}
                  aria-label={t('resources.editNamed', { name: r.name })}
                  onClick={() => open({ mode: 'edit', from: r })}
                >
                  {t('resources.edit')}
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={t('resources.deleteNamed', { name: r.name })}
                  onClick={() => void remove(r)}
                >
                  {t('resources.delete')}
                </Button>
              </span>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      {canWrite ? (
        <div className={styles.toolbar}>
          <Button variant="secondary" disabled={types.isLoading} onClick={() => open({ mode: 'create' })}>
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
        empty={
          <EmptyState
            variant="plain"
            title={t('project.resourcesEmptyTitle')}
            description={t('project.resourcesEmptyBody')}
          />
        }
      />
      {deleteError ? <ErrorState title={t('resources.deleteFailed')} error={deleteError} /> : null}
      {editing ? (
        <ResourceDrawer
          key={`${editing.mode}/${editing.from?.name ?? ''}`}
          mode={editing.mode}
          initial={editing.from ? draftFromResource(editing.from, typeList) : blankResourceDraft(typeList[0])}
          types={typeList}
          integrations={integrations.data?.integrations ?? []}
          sealed={editing.from?.secretParameters ?? []}
          error={saveError}
          busy={busy}
          onSave={(draft) => void save(draft)}
          onClose={() => setEditing(undefined)}
        />
      ) : null}
    </>
  );
}
