'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { TenantRequired } from '@/features/projects/tenant-required';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { DagView } from '../canvas/dag-view';
import { type ComparedStage, diffVersions } from '../model/version-diff';
import { PipelineRevisionDocument, WorkflowVersionsDocument } from './editor.documents';
import { RevisionPicker } from './revision-picker';
import styles from './version-compare.module.css';

/**
 * The compare page; without `to` the newer side is the current version, with
 * `revision` it is `.cyclone.yaml` at that commit or branch (pipelines as code).
 */
export function versionsHref(
  project: string,
  workflow: string,
  from?: number,
  to?: number | { revision: string },
): string {
  const base = `/projects/${encodeURIComponent(project)}/workflows/${encodeURIComponent(workflow)}/versions`;
  const query = new URLSearchParams();
  if (from) query.set('from', String(from));
  if (typeof to === 'number') query.set('to', String(to));
  else if (to) query.set('revision', to.revision);
  return query.size ? `${base}?${query}` : base;
}

/** `/projects/<p>/workflows/<w>/versions?from=1&to=3` (or `&revision=<sha|branch>`): two sides on one canvas. */
export function VersionCompare(props: {
  project: string;
  workflow: string;
  from?: number;
  to?: number;
  revision?: string;
}) {
  return <TenantRequired>{(tenant) => <VersionCompareLoaded tenant={tenant} {...props} />}</TenantRequired>;
}

function VersionCompareLoaded({
  tenant,
  project,
  workflow,
  from,
  to,
  revision,
}: {
  tenant: string;
  project: string;
  workflow: string;
  from?: number;
  to?: number;
  revision?: string;
}) {
  const t = useT();
  const router = useRouter();
  const [selected, setSelected] = useState<string>();
  const query = useQuery({
    queryKey: [...queryKeys.workflows.detail(tenant, project, workflow), 'versions'],
    queryFn: ({ signal }) => request(WorkflowVersionsDocument, { tenant, project, name: workflow }, { signal }),
  });
  const revisionQuery = useQuery({
    queryKey: [...queryKeys.workflows.detail(tenant, project, workflow), 'revision', revision],
    queryFn: ({ signal }) =>
      request(PipelineRevisionDocument, { tenant, project, name: workflow, revision: revision ?? '' }, { signal }),
    enabled: Boolean(revision),
    // A refusal says why the revision has no pipeline: asking again changes nothing.
    retry: false,
  });
  const data = query.data?.workflow;
  const read = revision ? revisionQuery.data?.workflow?.pipelineRevision : undefined;
  const current = data?.version ?? 1;
  const toVersion = to ?? current;
  const fromVersion = from ?? (revision ? current : Math.max(1, toVersion - 1));
  const versions = data?.versions ?? [];
  const older = versions.find((version) => version.version === fromVersion);
  const newerStages = revision ? read?.stages : versions.find((version) => version.version === toVersion)?.stages;
  const diff = useMemo(
    () =>
      older && newerStages
        ? diffVersions(older.stages as unknown as ComparedStage[], newerStages as unknown as ComparedStage[])
        : undefined,
    [older, newerStages],
  );
  const changes = useMemo(() => diff && { stages: diff.byStage, edges: diff.edges }, [diff]);
  const fromRepository = data?.triggers.some((trigger) => trigger.scm?.workflowFromRevision) ?? false;

  const crumbs = [
    { label: t('projects.title'), href: '/projects' },
    { label: project, href: `/projects/${encodeURIComponent(project)}` },
    { label: workflow, href: `/projects/${encodeURIComponent(project)}/workflows/${encodeURIComponent(workflow)}` },
  ];
  const header = <PageHeader title={t('versions.title')} breadcrumbs={crumbs} />;
  if (query.isLoading || revisionQuery.isLoading) {
    return (
      <>
        {header}
        <Skeleton height="22rem" radius="var(--radius-lg)" />
      </>
    );
  }
  if (query.error) {
    return (
      <>
        {header}
        <ErrorState title={t('versions.loadError')} error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  if (!data) return <EmptyState title={t('versions.notFound')} />;

  const pick = (next: { from?: number; to?: number | { revision: string } }) => {
    setSelected(undefined);
    const newer = next.to ?? (revision ? { revision } : toVersion);
    router.replace(versionsHref(project, workflow, next.from ?? fromVersion, newer));
  };
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const change of diff?.byStage.values() ?? []) if (change.kind !== 'same') counts[change.kind] += 1;
  const change = selected ? diff?.byStage.get(selected) : undefined;
  const fromLabel = `v${fromVersion}`;
  const toLabel = revision
    ? t('versions.revisionLabel', { revision: read ? shortRevision(read) : revision })
    : `v${toVersion}`;

  return (
    <>
      {header}
      <div className={styles.pickers}>
        <label className={styles.picker}>
          {t('versions.from')}
          <select
            aria-label={t('versions.from')}
            value={fromVersion}
            onChange={(event) => pick({ from: Number(event.target.value) })}
          >
            {versions.map((version) => (
              <option key={version.version} value={version.version}>
                v{version.version}
                {version.sourceRevision ? ` · ${version.sourceRevision.slice(0, 8)}` : ''}
              </option>
            ))}
          </select>
        </label>
        <RevisionPicker
          versions={versions.map((version) => ({ version: version.version, sourceRevision: version.sourceRevision }))}
          to={revision ? { revision } : toVersion}
          fromRepository={fromRepository}
          onPick={(next) => pick({ to: next })}
        />
        <span className={styles.summary} data-testid="version-summary">
          {diff ? t('versions.summary', counts) : null}
        </span>
      </div>
      {read ? (
        <p className={styles.source}>
          {t('versions.revisionSource', { repository: read.repository, trigger: read.trigger })}
        </p>
      ) : null}
      {revisionQuery.error ? (
        <ErrorState title={t('versions.revisionError')} error={revisionQuery.error} />
      ) : diff ? (
        <div className={styles.body}>
          <div className={styles.canvas}>
            <DagView stages={diff.stages} changes={changes} onSelectStage={setSelected} />
          </div>
          <aside className={styles.details} aria-label={t('versions.details')}>
            {change ? (
              <>
                <h2 className={styles.detailsTitle}>{change.name}</h2>
                {change.kind === 'changed' ? (
                  <table className={styles.fields}>
                    <thead>
                      <tr>
                        <th scope="col">{t('versions.field')}</th>
                        <th scope="col">{fromLabel}</th>
                        <th scope="col">{toLabel}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {change.changes.map((field) => (
                        <tr key={field.field}>
                          <th scope="row">{field.field}</th>
                          <td className={styles.before}>{field.before || '—'}</td>
                          <td className={styles.after}>{field.after || '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p>{t(`versions.kind.${change.kind}`, { from: fromLabel, to: toLabel })}</p>
                )}
              </>
            ) : (
              <p className={styles.hint}>{t('versions.pickStage')}</p>
            )}
          </aside>
        </div>
      ) : (
        <EmptyState title={t('versions.missing')} />
      )}
    </>
  );
}

/** `main @ 1a2b3c4d` for a branch, the short SHA (or SVN number) for a commit. */
function shortRevision(read: { revision: string; branch?: string | null }): string {
  const commit = read.revision.slice(0, 8);
  return read.branch ? `${read.branch} @ ${commit}` : commit;
}
