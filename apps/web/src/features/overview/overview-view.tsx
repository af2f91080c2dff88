'use client';

import Link from 'next/link';
import type { ComponentType } from 'react';
import {
  ArrowRightIcon,
  type IconProps,
  IntegrationsIcon,
  ProjectsIcon,
  RunIcon,
  WorkflowsIcon,
} from '@/components/icons';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import { type Column, Table } from '@/components/ui/table';
import { useT } from '@/i18n/i18n-provider';
import type { MessageKey } from '@/i18n/locales';
import type { Phase } from '@/lib/phases';
import styles from './overview.module.css';

/** A run row of the "Recent runs" table (filled once runs exist). */
interface RecentRun {
  id: string;
  workflow: string;
  phase: Phase;
  startedAt: string | null;
  durationSeconds: number | null;
}

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
  const notAvailable = t('common.notAvailable');

  const runColumns: Column<RecentRun>[] = [
    { id: 'run', header: t('overview.recentRuns.colRun'), cell: (run) => run.id, sortValue: (run) => run.id },
    {
      id: 'workflow',
      header: t('overview.recentRuns.colWorkflow'),
      cell: (run) => run.workflow,
      sortValue: (run) => run.workflow,
    },
    {
      id: 'status',
      header: t('overview.recentRuns.colStatus'),
      cell: (run) => <StatusBadge phase={run.phase} size="sm" />,
    },
    {
      id: 'started',
      header: t('overview.recentRuns.colStarted'),
      cell: (run) => run.startedAt ?? notAvailable,
      sortValue: (run) => run.startedAt,
    },
    {
      id: 'duration',
      header: t('overview.recentRuns.colDuration'),
      cell: (run) => (run.durationSeconds == null ? notAvailable : `${run.durationSeconds}s`),
      sortValue: (run) => run.durationSeconds,
      align: 'end',
    },
  ];

  return (
    <>
      <PageHeader
        title={t('overview.title')}
        breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
        description={t('overview.description')}
      />

      <section aria-label={t('overview.stats.label')} className={styles.stats}>
        {STATS.map((stat) => (
          <div key={stat.id} className={styles.stat}>
            <span className={styles.statLabel}>{t(stat.label)}</span>
            <span className={styles.statValue}>{notAvailable}</span>
            <span className={styles.statHint}>{t('overview.stats.noData')}</span>
          </div>
        ))}
      </section>

      <section className={styles.panel} aria-labelledby="get-started">
        <div className={styles.panelHeader}>
          <h2 id="get-started" className={styles.panelTitle}>
            {t('overview.start.title')}
          </h2>
          <p className={styles.panelBody}>{t('overview.start.body')}</p>
        </div>
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
      </section>

      <section className={styles.section} aria-labelledby="recent-runs">
        <h2 id="recent-runs" className={styles.sectionTitle}>
          {t('overview.recentRuns.title')}
        </h2>
        <Table<RecentRun>
          caption={t('overview.recentRuns.title')}
          columns={runColumns}
          rows={[]}
          rowKey={(run) => run.id}
          empty={
            <EmptyState
              variant="plain"
              headingLevel={3}
              icon={<RunIcon size={18} />}
              title={t('overview.recentRuns.emptyTitle')}
              description={t('overview.recentRuns.emptyBody')}
            />
          }
        />
      </section>
    </>
  );
}
