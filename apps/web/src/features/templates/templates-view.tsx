'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useMemo, useState } from 'react';
import { TemplatesIcon } from '@/components/icons';
import { Button } from '@/components/ui/button';
import { Drawer } from '@/components/ui/drawer';
import { ErrorState } from '@/components/ui/error-state';
import { NameCell } from '@/components/ui/name-cell';
import { PageHeader } from '@/components/ui/page-header';
import { QueryTable } from '@/components/ui/query-table';
import { actionsColumn } from '@/components/ui/row-actions';
import type { Column } from '@/components/ui/table';
import { ProjectsDocument } from '@/features/projects/projects.documents';
import { TenantRequired } from '@/features/projects/tenant-required';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { useListEditing } from '@/lib/use-list-editing';
import { TemplateDrawer } from './template-drawer';
import { blankDraft, copyName, draftFromTemplate, draftToInput, type TemplateDraft } from './template-form';
import {
  CreateStageTemplateDocument,
  DeleteStageTemplateDocument,
  type StageTemplateSummary,
  StageTemplatesDocument,
  UpdateStageTemplateDocument,
} from './templates.documents';
import styles from './templates.module.css';
import { TemplatesNav } from './templates-nav';

type Editing =
  | { mode: 'create'; draft: TemplateDraft; from?: StageTemplateSummary }
  | { mode: 'edit'; draft: TemplateDraft; from: StageTemplateSummary };

/** `/templates`: the built-in stage templates and the tenant's own. */
export function TemplatesView() {
  // The header lives in the list: its primary action needs the tenant.
  return <TenantRequired>{(tenant) => <TemplatesList key={tenant} tenant={tenant} />}</TenantRequired>;
}

function TemplatesList({ tenant }: { tenant: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: queryKeys.templates.all(tenant),
    queryFn: ({ signal }) => request(StageTemplatesDocument, { tenant }, { signal }),
  });
  const templates = query.data?.stageTemplates ?? [];
  const names = useMemo(() => new Set(templates.map((tpl) => tpl.name)), [templates]);
  const [using, setUsing] = useState<StageTemplateSummary>();
  const list = useListEditing<Editing>({
    refresh: () => queryClient.invalidateQueries({ queryKey: queryKeys.templates.all(tenant) }),
  });

  const save = (draft: TemplateDraft) =>
    list.save(async (editing) => {
      const fields = draftToInput(draft);
      if (editing.mode === 'edit') {
        await request(UpdateStageTemplateDocument, { input: { tenant, ...fields, name: editing.from.name } });
        return;
      }
      // A duplicate keeps the original's named inputs and outputs.
      const from = editing.from;
      const extra = from
        ? {
            inputs: {
              resources: from.inputs.resources.map(({ name, path }) => ({ name, path })),
              artifacts: from.inputs.artifacts.map(({ name, path }) => ({ name, path })),
            },
            outputs: {
              resources: from.outputs.resources.map(({ name, path }) => ({ name, path })),
              artifacts: from.outputs.artifacts.map(({ name, path }) => ({ name, path })),
            },
          }
        : {};
      await request(CreateStageTemplateDocument, { input: { tenant, ...fields, ...extra } });
    });

  const remove = (template: StageTemplateSummary) =>
    list.remove(t('templates.deleteConfirm', { name: template.name }), () =>
      request(DeleteStageTemplateDocument, { input: { tenant, name: template.name } }),
    );

  const columns: Column<StageTemplateSummary>[] = [
    {
      id: 'name',
      header: t('templates.col.name'),
      width: '28%',
      sortValue: (tpl) => tpl.name,
      cell: (tpl) => <NameCell name={<span className={styles.name}>{tpl.name}</span>} notes={[tpl.description]} />,
    },
    {
      id: 'kind',
      header: t('templates.col.kind'),
      sortValue: (tpl) => tpl.kind,
      cell: (tpl) => <span className={styles.nowrap}>{tpl.kind}</span>,
    },
    {
      id: 'image',
      header: t('templates.col.image'),
      cell: (tpl) => (
        <span className={styles.mono} title={tpl.image}>
          {tpl.image}
        </span>
      ),
    },
    {
      id: 'arguments',
      header: t('templates.col.arguments'),
      width: '22%',
      cell: (tpl) =>
        tpl.arguments.length === 0 ? (
          <span className={styles.muted}>{t('common.notAvailable')}</span>
        ) : (
          <span className={styles.args}>
            {tpl.arguments.map((a) => (
              <span
                key={a.name}
                className={styles.arg}
                data-required={a.value === null}
                title={a.value === null ? t('templates.argRequired') : t('templates.argDefault', { value: a.value })}
              >
                {a.name}
                {a.value === null ? '*' : ''}
              </span>
            ))}
          </span>
        ),
    },
    {
      id: 'source',
      header: t('templates.col.source'),
      sortValue: (tpl) => (tpl.isBuiltin ? 1 : 0),
      cell: (tpl) => (
        <span className={styles.source} data-own={!tpl.isBuiltin}>
          {tpl.isBuiltin ? t('templates.builtin') : t('templates.own')}
        </span>
      ),
    },
    actionsColumn(
      t('templates.col.actions'),
      (tpl) => [
        { label: t('templates.use'), onClick: () => setUsing(tpl) },
        {
          label: t('templates.edit'),
          ariaLabel: t('templates.editNamed', { name: tpl.name }),
          hidden: tpl.isBuiltin,
          onClick: () => list.open({ mode: 'edit', draft: draftFromTemplate(tpl), from: tpl }),
        },
        {
          label: t('templates.duplicate'),
          ariaLabel: t('templates.duplicateNamed', { name: tpl.name }),
          onClick: () =>
            list.open({ mode: 'create', draft: draftFromTemplate(tpl, copyName(tpl.name, names)), from: tpl }),
        },
        {
          label: t('templates.delete'),
          ariaLabel: t('templates.deleteNamed', { name: tpl.name }),
          hidden: tpl.isBuiltin,
          onClick: () => void remove(tpl),
        },
      ],
      '12rem',
    ),
  ];

  return (
    <>
      <PageHeader
        title={t('templates.title')}
        breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
        description={t('templates.description')}
        actions={
          <Button variant="primary" onClick={() => list.open({ mode: 'create', draft: blankDraft() })}>
            {t('templates.new')}
          </Button>
        }
      />
      <TemplatesNav current="/templates" />
      <QueryTable
        query={query}
        loadFailed={t('templates.loadFailed')}
        caption={t('templates.title')}
        columns={columns}
        rows={templates}
        rowKey={(tpl) => tpl.id}
        initialSort={{ columnId: 'source', direction: 'ascending' }}
        empty={{
          icon: <TemplatesIcon size={20} />,
          title: t('templates.emptyTitle'),
          description: t('templates.emptyBody'),
        }}
      />
      <ErrorState title={t('templates.deleteFailed')} error={list.deleteError} />
      {list.editing ? (
        <TemplateDrawer
          key={`${list.editing.mode}/${list.editing.from?.name ?? ''}`}
          mode={list.editing.mode}
          initial={list.editing.draft}
          takenNames={names}
          onSave={(draft) => void save(draft)}
          {...list.drawer}
        />
      ) : null}
      {using ? <UseTemplateDrawer tenant={tenant} template={using} onClose={() => setUsing(undefined)} /> : null}
    </>
  );
}

/** Picks a project, then opens a new workflow there that starts with a stage from the template. */
function UseTemplateDrawer({
  tenant,
  template,
  onClose,
}: {
  tenant: string;
  template: StageTemplateSummary;
  onClose: () => void;
}) {
  const t = useT();
  const router = useRouter();
  const selectId = useId();
  const projects = useQuery({
    queryKey: queryKeys.projects.all(tenant),
    queryFn: ({ signal }) => request(ProjectsDocument, { tenant }, { signal }),
  });
  const list = projects.data?.tenant?.projects ?? [];
  const [project, setProject] = useState('');
  const chosen = project || list[0]?.name || '';
  return (
    <Drawer
      open
      title={t('templates.useTitle', { name: template.name })}
      onClose={onClose}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            {t('templates.form.cancel')}
          </Button>
          <Button
            variant="primary"
            disabled={!chosen}
            onClick={() =>
              router.push(
                `/projects/${encodeURIComponent(chosen)}/new-workflow?template=${encodeURIComponent(template.name)}`,
              )
            }
          >
            {t('templates.useOpen')}
          </Button>
        </>
      }
    >
      <div className={styles.useForm}>
        <p className={styles.muted}>{t('templates.useBody')}</p>
        {projects.error ? (
          <ErrorState title={t('projects.loadFailed')} error={projects.error} />
        ) : list.length === 0 && !projects.isLoading ? (
          <p className={styles.muted}>{t('templates.useNoProjects')}</p>
        ) : (
          <>
            <label htmlFor={selectId}>{t('templates.useProject')}</label>
            <select
              id={selectId}
              className={styles.select}
              value={chosen}
              onChange={(event) => setProject(event.target.value)}
            >
              {list.map((p) => (
                <option key={p.id} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </>
        )}
      </div>
    </Drawer>
  );
}
