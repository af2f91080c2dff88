'use client';

import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { RunIcon } from '@/components/icons';
import { Button, LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { QueryTable } from '@/components/ui/query-table';
import { actionsColumn, mutationAction } from '@/components/ui/row-actions';
import type { Column } from '@/components/ui/table';
import { WebhookDeliveriesPanel } from '@/features/integrations/webhook-deliveries-panel';
import { TenantRequired } from '@/features/projects/tenant-required';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { useListMutation } from '@/lib/use-list-mutation';
import { formatFireTime } from './cron-preview';
import { TriggerDrawer, type WorkflowRef } from './trigger-drawer';
import { TriggerTestForm } from './trigger-test-form';
import { DeleteTriggerDocument, type TriggerRow, TriggersDocument } from './triggers.documents';
import styles from './triggers.module.css';

type DrawerState = { open: false } | { open: true; trigger?: TriggerRow };

/** The triggers of one workflow: schedules, SCM events and webhooks that start its runs. */
export function TriggersView({ project, workflow }: { project: string; workflow: string }) {
  const { t } = useI18n();
  const [drawer, setDrawer] = useState<DrawerState>({ open: false });
  // The page's add button; the empty table offers it too.
  const addButton = (
    <Button variant="primary" onClick={() => setDrawer({ open: true })}>
      {t('triggers.add')}
    </Button>
  );
  const base = `/projects/${encodeURIComponent(project)}/workflows/${encodeURIComponent(workflow)}`;
  return (
    <>
      <PageHeader
        title={t('triggers.title', { workflow })}
        breadcrumbs={[
          { label: t('breadcrumbs.home'), href: '/' },
          { label: t('projects.title'), href: '/projects' },
          { label: project, href: `/projects/${encodeURIComponent(project)}` },
          { label: workflow, href: base },
        ]}
        description={t('triggers.description')}
        actions={
          <>
            <LinkButton variant="ghost" href={base}>
              {t('triggers.backToEditor')}
            </LinkButton>
            {addButton}
          </>
        }
      />
      <TenantRequired>
        {(tenant) => (
          <TriggersTable
            addButton={addButton}
            workflowRef={{ tenant, project, workflow }}
            drawer={drawer}
            setDrawer={setDrawer}
          />
        )}
      </TenantRequired>
    </>
  );
}

function TriggersTable({
  workflowRef,
  addButton,
  drawer,
  setDrawer,
}: {
  workflowRef: WorkflowRef;
  /** The page's add button, offered again by the empty table. */
  addButton: ReactNode;
  drawer: DrawerState;
  setDrawer: (state: DrawerState) => void;
}) {
  const { t, locale } = useI18n();
  const { tenant, project, workflow } = workflowRef;
  const key = queryKeys.triggers.all(tenant, project, workflow);
  const query = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => request(TriggersDocument, { tenant, project, workflow }, { signal }),
  });
  const remove = useListMutation(key, (name: string) =>
    request(DeleteTriggerDocument, { input: { ...workflowRef, name } }),
  );

  const details = (trigger: TriggerRow) => {
    if (trigger.type === 'CRON') {
      return (
        <span className={styles.details}>
          <code className={styles.mono}>{trigger.cron}</code>
          <span className={styles.muted}>{trigger.timezone ?? 'UTC'}</span>
          <span className={styles.muted}>{t(`triggers.policy.${trigger.concurrencyPolicy}`)}</span>
        </span>
      );
    }
    if (trigger.type === 'SCM' && trigger.scm) {
      const events = [
        trigger.scm.push ? t('triggers.event.push') : '',
        trigger.scm.tagRelease ? t('triggers.event.tag') : '',
        trigger.scm.pullRequest ? t('triggers.event.pullRequest') : '',
        trigger.scm.pullRequestComment ? t('triggers.event.comment') : '',
      ].filter(Boolean);
      return (
        <span className={styles.details}>
          <span className={styles.mono}>
            {trigger.scm.integration} · {trigger.scm.repo}
          </span>
          <span className={styles.muted}>{events.join(', ') || t('triggers.event.none')}</span>
        </span>
      );
    }
    return <span className={styles.muted}>{t('triggers.webhook.summary')}</span>;
  };

  const columns: Column<TriggerRow>[] = [
    {
      id: 'name',
      header: t('triggers.col.name'),
      sortValue: (r) => r.name,
      cell: (r) => (
        <button type="button" className={styles.nameButton} onClick={() => setDrawer({ open: true, trigger: r })}>
          {r.name}
        </button>
      ),
    },
    {
      id: 'type',
      header: t('triggers.col.type'),
      sortValue: (r) => r.type,
      cell: (r) => <span className={styles.typeBadge}>{t(`triggers.type.${r.type}`)}</span>,
    },
    { id: 'details', header: t('triggers.col.details'), cell: details },
    {
      id: 'next',
      header: t('triggers.col.nextFires'),
      sortValue: (r) => r.nextFireTimes[0],
      cell: (r) =>
        r.type === 'CRON' && r.nextFireTimes.length > 0 ? (
          <ol className={styles.fireTimes} aria-label={t('triggers.nextFiresOf', { name: r.name })}>
            {r.nextFireTimes.slice(0, 5).map((time) => (
              <li key={time}>
                <time dateTime={time}>
                  {formatFireTime(time, locale, r.timezone ?? 'UTC').zoned} {r.timezone ?? 'UTC'}
                </time>
              </li>
            ))}
          </ol>
        ) : (
          <span className={styles.muted}>{t('common.notAvailable')}</span>
        ),
    },
    {
      id: 'enabled',
      header: t('triggers.col.state'),
      sortValue: (r) => (r.enabled ? 0 : 1),
      cell: (r) => (
        <span className={styles.state} data-enabled={r.enabled}>
          {r.enabled ? `● ${t('triggers.enabled')}` : `○ ${t('triggers.disabled')}`}
        </span>
      ),
    },
    actionsColumn(t('settings.col.actions'), (r) => [
      {
        label: t('triggers.edit'),
        ariaLabel: t('triggers.editNamed', { name: r.name }),
        onClick: () => setDrawer({ open: true, trigger: r }),
      },
      mutationAction(remove, r.name, {
        label: t('common.delete'),
        ariaLabel: t('triggers.deleteNamed', { name: r.name }),
        confirm: t('triggers.deleteConfirm', { name: r.name }),
      }),
    ]),
  ];

  if (query.data && !query.data.workflow) {
    return (
      <EmptyState
        title={t('triggers.workflowNotFound')}
        description={t('triggers.workflowNotFoundBody', { workflow, project })}
      />
    );
  }

  return (
    <>
      <QueryTable
        query={query}
        loadFailed={t('triggers.loadFailed')}
        caption={t('triggers.tableCaption')}
        columns={columns}
        rows={query.data?.workflow?.triggers ?? []}
        rowKey={(r) => r.id}
        initialSort={{ columnId: 'name', direction: 'ascending' }}
        empty={{
          icon: <RunIcon size={20} />,
          title: t('triggers.emptyTitle'),
          description: t('triggers.emptyBody'),
          action: addButton,
        }}
      />
      <ErrorState title={t('triggers.deleteFailed')} error={remove.error} />
      <TriggerTestForm tenant={workflowRef.tenant} integrations={query.data?.integrations ?? []} />
      {/* What the SCM servers of this workflow's triggers sent, each delivery explained and replayable. */}
      {(query.data?.integrations ?? [])
        .filter((integration) =>
          (query.data?.workflow?.triggers ?? []).some((trigger) => trigger.scm?.integration === integration.name),
        )
        .map((integration) => (
          <WebhookDeliveriesPanel
            key={integration.id}
            tenant={workflowRef.tenant}
            name={integration.name}
            integrationId={integration.id}
          />
        ))}
      <TriggerDrawer
        workflowRef={workflowRef}
        open={drawer.open}
        trigger={drawer.open ? drawer.trigger : undefined}
        integrations={query.data?.integrations ?? []}
        onClose={() => setDrawer({ open: false })}
        // Stays open on the saved trigger so its webhook URL can be copied right away.
        onSaved={(saved) => setDrawer({ open: true, trigger: saved })}
      />
    </>
  );
}
