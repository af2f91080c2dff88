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
import { WorkflowVersionsDocument } from './editor.documents';
import styles from './version-compare.module.css';

/** The compare page; without `to` the newer side is the current version. */
export function versionsHref(project: string, workflow: string, from?: number, to?: number): string {
  const base = `/projects/${encodeURIComponent(project)}/workflows/${encodeURIComponent(workflow)}/versions`;
  const query = new URLSearchParams();
  if (from) query.set('from', String(from));
  if (to) query.set('to', String(to));
  return query.size ? `${base}?${query}` : base;
}

/** `/projects/<p>/workflows/<w>/versions?from=1&to=3`: two versions on one canvas. */
export function VersionCompare(props: { project: string; workflow: string; from?: number; to?: number }) {
  return <TenantRequired>{(tenant) => <VersionCompareLoaded tenant={tenant} {...props} />}</TenantRequired>;
}

function VersionCompareLoaded({
  tenant,
  project,
  workflow,
  from,
  to,
}: {
  tenant: string;
  project: string;
  workflow: string;
  from?: number;
  to?: number;
}) {
  const t = useT();
  const router = useRouter();
  const [selected, setSelected] = useState<string>();
  const query = useQuery({
    queryKey: [...queryKeys.workflows.detail(tenant, project, workflow), 'versions'],
    queryFn: ({ signal }) => request(WorkflowVersionsDocument, { tenant, project, name: workflow }, { signal }),
  });
  const data = query.data?.workflow;
  const current = data?.version ?? 1;
  const toVersion = to ?? current;
  const fromVersion = from ?? Math.max(1, toVersion - 1);
  const versions = data?.versions ?? [];
  const older = versions.find((version) => version.version === fromVersion);
  const newer = versions.find((version) => version.version === toVersion);
  const diff = useMemo(
    () =>
      older && newer
        ? diffVersions(older.stages as unknown as ComparedStage[], newer.stages as unknown as ComparedStage[])
        : undefined,
    [older, newer],
  );
  const changes = useMemo(() => diff && { stages: diff.byStage, edges: diff.edges }, [diff]);

  const crumbs = [
    { label: t('projects.title'), href: '/projects' },
    { label: project, href: `/projects/${encodeURIComponent(project)}` },
    { label: workflow, href: `/projects/${encodeURIComponent(project)}/workflows/${encodeURIComponent(workflow)}` },
  ];
  const header = <PageHeader title={t('versions.title')} breadcrumbs={crumbs} />;
  if (query.isLoading) {
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

  const pick = (next: { from?: number; to?: number }) => {
    setSelected(undefined);
    router.replace(versionsHref(project, workflow, next.from ?? fromVersion, next.to ?? toVersion));
  };
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const change of diff?.byStage.values() ?? []) if (change.kind !== 'same') counts[change.kind] += 1;
  const change = selected ? diff?.byStage.get(selected) : undefined;

  return (
    <>
      {header}
      <div className={styles.pickers}>
        {(['from', 'to'] as const).map((end) => (
          <label key={end} className={styles.picker}>
            {t(end === 'from' ? 'versions.from' : 'versions.to')}
            <select
              aria-label={t(end === 'from' ? 'versions.from' : 'versions.to')}
              value={end === 'from' ? fromVersion : toVersion}
              onChange={(event) => pick({ [end]: Number(event.target.value) })}
            >
              {versions.map((version) => (
                <option key={version.version} value={version.version}>
                  v{version.version}
                  {version.sourceRevision ? ` · ${version.sourceRevision.slice(0, 8)}` : ''}
                </option>
              ))}
            </select>
          </label>
        ))}
        <span className={styles.summary} data-testid="version-summary">
          {t('versions.summary', counts)}
        </span>
      </div>
      {diff ? (
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
                        <th scope="col">v{fromVersion}</th>
                        <th scope="col">v{toVersion}</th>
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
                  <p>
                    {t(`versions.kind.${change.kind}`, {
                      from: fromVersion,
                      to: toVersion,
                    })}
                  </p>
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
