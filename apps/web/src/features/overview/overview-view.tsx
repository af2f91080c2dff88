'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ComponentType, ReactNode } from 'react';
import { ArrowRightIcon, type IconProps, IntegrationsIcon, ProjectsIcon, WorkflowsIcon } from '@/components/icons';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton } from '@/components/ui/skeleton';
import { RunStatisticsDocument } from '@/features/runs/runs.documents';
import { useT } from '@/i18n/i18n-provider';
import type { MessageKey } from '@/i18n/locales';
import { useCurrentTenant } from '@/lib/current-tenant';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { ActiveRuns } from './active-runs';
import { DurationTrendChart, RunsPerDayChart } from './charts';
import { EngineLine } from './engine-line';
import styles from './overview.module.css';

const DAYS = 14;

const STATS: ReadonlyArray<{ id: string; label: MessageKey }> = [
  { id: 'projects', label: 'overview.stats.projects' },
  { id: 'workflows', label: 'overview.stats.workflows' },
  { id: 'runs-today', label: 'overview.stats.runsToday' },
  { id: 'success-rate', label: 'overview.stats.successRate' },
];

const STEPS: ReadonlyArray<{ title: MessageKey; body: MessageKey; href: string; icon: ComponentType<IconProps> }> = [
  { title: 'overview.start.step1.title', body: 'overview.start.step1.body', href: '/projects', icon: ProjectsIcon },
  {
    title: 'overview.start.step2.title',
    body: 'overview.start.step2.body',
    href: '/integrations',
    icon: IntegrationsIcon,
  },
  { title: 'overview.start.step3.title', body: 'overview.start.step3.body', href: '/workflows', icon: WorkflowsIcon },
];

export function OverviewView() {
  const t = useT();
  const { tenant, isLoading: isTenantLoading, error: tenantError, refetch: refetchTenants } = useCurrentTenant();
  const stats = useQuery({
    queryKey: queryKeys.runs.statistics(tenant ?? ''),
    enabled: Boolean(tenant),
    queryFn: ({ signal }) =>
      request(
        RunStatisticsDocument,
        { tenant: tenant ?? '', days: DAYS, utcOffsetMinutes: -new Date().getTimezoneOffset() },
        { signal },
      ),
    select: (data) => data.runStatistics,
  });
  const data = stats.data;
  const isLoading = isTenantLoading || (Boolean(tenant) && stats.isLoading);
  const dash = t('common.notAvailable');
  const values: Record<string, { value: string; hint: string }> = data
    ? {
        projects: { value: String(data.projects), hint: t('overview.stats.projectsHint', { tenant: tenant ?? '' }) },
        workflows: { value: String(data.workflows), hint: t('overview.stats.workflowsHint') },
        'runs-today': {
          value: String(data.runsToday),
          hint: t('overview.stats.runsTodayHint', { count: data.activeRuns }),
        },
        'success-rate': {
          value: data.successRate == null ? dash : `${Math.round(data.successRate * 100)}%`,
          hint: t('overview.stats.successRateHint', { days: DAYS }),
        },
      }
    : {};

  const header = (
    <PageHeader
      title={t('overview.title')}
      breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
      description={t('overview.description')}
    />
  );
  const error = tenantError ?? stats.error;
  return (
    <>
      {header}
      <EngineLine />
      <section aria-label={t('overview.stats.label')} className={styles.stats} aria-busy={isLoading || undefined}>
        {STATS.map((stat) => (
          <div key={stat.id} className={styles.stat} data-testid={`stat-${stat.id}`}>
            <span className={styles.statLabel}>{t(stat.label)}</span>
            {isLoading ? (
              <Skeleton width="3rem" height="1.75rem" />
            ) : (
              <span className={styles.statValue} data-has-value={Boolean(data) || undefined}>
                {values[stat.id]?.value ?? dash}
              </span>
            )}
            <span className={styles.statHint}>
              {values[stat.id]?.hint ?? (isLoading ? '\u00a0' : t('overview.stats.noData'))}
            </span>
          </div>
        ))}
      </section>

      {error ? (
        <ErrorState
          title={t('overview.loadError')}
          error={error}
          onRetry={() => (tenantError ? refetchTenants() : void stats.refetch())}
        />
      ) : null}
      {!isTenantLoading && !tenant && !tenantError ? (
        <EmptyState title={t('overview.noTenantTitle')} description={t('overview.noTenantBody')} />
      ) : null}

      {data && data.projects === 0 ? <GetStarted /> : null}

      {tenant && !error ? (
        <>
          <div className={styles.charts}>
            <Panel
              id="runs-per-day"
              title={t('overview.charts.runsPerDay')}
              body={t('overview.charts.runsPerDayBody', { days: DAYS })}
            >
              {data ? <RunsPerDayChart days={data.days} /> : <Skeleton height="12rem" />}
            </Panel>
            <Panel id="duration-trend" title={t('overview.charts.duration')} body={t('overview.charts.durationBody')}>
              {data ? <DurationTrendChart days={data.days} /> : <Skeleton height="12rem" />}
            </Panel>
          </div>
          <section className={styles.section} aria-labelledby="running-now">
            <h2 id="running-now" className={styles.sectionTitle}>
              {t('overview.active.title')}
            </h2>
            <ActiveRuns tenant={tenant} />
          </section>
        </>
      ) : null}
    </>
  );
}

function GetStarted() {
  const t = useT();
  return (
    <Panel id="get-started" title={t('overview.start.title')} body={t('overview.start.body')}>
      <ol className={styles.steps}>
        {STEPS.map((step, index) => (
          <li key={step.href}>
            <Link href={step.href} className={styles.step}>
              <span className={styles.stepIcon}>
                <step.icon size={16} />
              </span>
              <span className={styles.stepText}>
                <span className={styles.stepTitle}>
                  <span className={styles.stepNumber}>{index + 1}.</span> {t(step.title)}
                </span>
                <span className={styles.stepBody}>{t(step.body)}</span>
              </span>
              <ArrowRightIcon size={14} className={styles.stepArrow} />
            </Link>
          </li>
        ))}
      </ol>
    </Panel>
  );
}

/** A titled overview panel: heading and a line that says what it shows, then its content. */
function Panel({ id, title, body, children }: { id: string; title: string; body: string; children: ReactNode }) {
  return (
    <section className={styles.panel} aria-labelledby={id}>
      <div className={styles.panelHeader}>
        <h2 id={id} className={styles.panelTitle}>
          {title}
        </h2>
        <p className={styles.panelBody}>{body}</p>
      </div>
      {children}
    </section>
  );
}
