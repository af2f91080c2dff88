'use client';

import type { ReactNode } from 'react';
import { RunIcon } from '@/components/icons';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton, SkeletonText } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { type Column, Table } from '@/components/ui/table';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import { PHASES, type Phase } from '@/lib/phases';
import styles from './design.module.css';

interface SampleRow {
  name: string;
  phase: Phase;
  seconds: number;
}

/** Sample rows to show the table; no product data. */
const SAMPLE_ROWS: SampleRow[] = PHASES.map((phase, index) => ({
  name: `stage-${index + 1}`,
  phase,
  seconds: (index + 1) * 7,
}));

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className={styles.section}>
      <h2 className={styles.title}>{title}</h2>
      <div className={styles.body}>{children}</div>
    </section>
  );
}

/** A living reference of the UI building blocks (not in the navigation). */
export function DesignView() {
  const t = useT();
  const columns: Column<SampleRow>[] = [
    { id: 'name', header: t('design.sample.colName'), cell: (row) => row.name, sortValue: (row) => row.name },
    {
      id: 'status',
      header: t('design.sample.colStatus'),
      cell: (row) => <StatusBadge phase={row.phase} size="sm" />,
      sortValue: (row) => row.phase,
    },
    {
      id: 'duration',
      header: t('design.sample.colDuration'),
      cell: (row) => `${row.seconds}s`,
      sortValue: (row) => row.seconds,
      align: 'end',
    },
  ];

  return (
    <>
      <PageHeader
        title={t('design.title')}
        breadcrumbs={[{ label: t('breadcrumbs.home'), href: '/' }]}
        description={t('design.description')}
        actions={
          <Button variant="primary" icon={<RunIcon />}>
            {t('design.sample.primary')}
          </Button>
        }
      />
      <Section title={t('design.buttons')}>
        <div className={styles.row}>
          <Button variant="primary">{t('design.sample.primary')}</Button>
          <Button>{t('design.sample.secondary')}</Button>
          <Button variant="ghost">{t('design.sample.ghost')}</Button>
          <Button variant="danger">{t('design.sample.danger')}</Button>
          <Button disabled>{t('design.sample.disabled')}</Button>
          <Button variant="primary" loading>
            {t('design.sample.primary')}
          </Button>
          <Button size="sm">{t('design.sample.secondary')}</Button>
        </div>
      </Section>
      <Section title={t('design.fields')}>
        <div className={styles.fields}>
          <TextField label={t('design.sample.fieldLabel')} hint={t('design.sample.fieldHint')} placeholder="release" />
          <TextField
            label={t('design.sample.fieldLabel')}
            error={t('design.sample.fieldError')}
            defaultValue="a-very-long-name"
          />
        </div>
      </Section>
      <Section title={t('design.status')}>
        <div className={styles.row}>
          {PHASES.map((phase) => (
            <StatusBadge key={phase} phase={phase} />
          ))}
        </div>
      </Section>
      <Section title={t('design.table')}>
        <Table caption={t('design.table')} columns={columns} rows={SAMPLE_ROWS} rowKey={(row) => row.name} />
      </Section>
      <Section title={t('design.skeleton')}>
        <div className={styles.skeleton}>
          <Skeleton width="12rem" height="1.25rem" />
          <SkeletonText lines={3} />
        </div>
      </Section>
      <Section title={t('design.empty')}>
        <EmptyState title={t('design.sample.emptyTitle')} description={t('design.sample.emptyBody')} headingLevel={3} />
      </Section>
    </>
  );
}
