'use client';

import { type ReactNode, useMemo, useState } from 'react';
import { useT } from '@/i18n/i18n-provider';
import { ArrowDownIcon, ArrowUpIcon, ChevronUpDownIcon } from '../icons';
import { EmptyState, type EmptyStateProps } from './empty-state';
import { Skeleton } from './skeleton';
import styles from './table.module.css';

export interface Column<Row> {
  id: string;
  header: string;
  cell: (row: Row) => ReactNode;
  /** Makes the column sortable by this value. */
  sortValue?: (row: Row) => string | number | null | undefined;
  align?: 'start' | 'end';
  width?: string;
}

type SortDirection = 'ascending' | 'descending';

export interface TableProps<Row> {
  /** Accessible name of the table. */
  caption: string;
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  loading?: boolean;
  /** The empty state shown in place of the rows when there are none (explain what to do first). */
  empty?: Omit<EmptyStateProps, 'variant'>;
  initialSort?: { columnId: string; direction: SortDirection };
}

function compare(a: string | number | null | undefined, b: string | number | null | undefined): number {
  if (a == null && b == null) return 0;
  if (a == null) return 1;
  if (b == null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

const LOADING_ROWS = 4;

export function Table<Row>({ caption, columns, rows, rowKey, loading, empty, initialSort }: TableProps<Row>) {
  const t = useT();
  const [sort, setSort] = useState(initialSort);

  const sortedRows = useMemo(() => {
    const column = sort && columns.find((c) => c.id === sort.columnId);
    if (!sort || !column?.sortValue) return rows;
    const value = column.sortValue;
    const factor = sort.direction === 'ascending' ? 1 : -1;
    return [...rows].sort((a, b) => factor * compare(value(a), value(b)));
  }, [rows, columns, sort]);

  const toggleSort = (columnId: string) =>
    setSort((current) =>
      current?.columnId === columnId && current.direction === 'ascending'
        ? { columnId, direction: 'descending' }
        : { columnId, direction: 'ascending' },
    );

  const showEmpty = !loading && rows.length === 0;

  return (
    <div className={styles.wrapper}>
      <table className={styles.table} aria-busy={loading || undefined}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const direction = sort?.columnId === column.id ? sort.direction : undefined;
              return (
                <th
                  key={column.id}
                  scope="col"
                  aria-sort={column.sortValue ? (direction ?? 'none') : undefined}
                  data-align={column.align ?? 'start'}
                  style={column.width ? { width: column.width } : undefined}
                >
                  {column.sortValue ? (
                    <button
                      type="button"
                      className={styles.sortButton}
                      onClick={() => toggleSort(column.id)}
                      title={direction === 'ascending' ? t('table.sortDescending') : t('table.sortAscending')}
                    >
                      {column.header}
                      {direction === 'ascending' ? (
                        <ArrowUpIcon size={12} />
                      ) : direction === 'descending' ? (
                        <ArrowDownIcon size={12} />
                      ) : (
                        <ChevronUpDownIcon size={12} className={styles.sortIdle} />
                      )}
                    </button>
                  ) : (
                    column.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {loading
            ? Array.from({ length: LOADING_ROWS }, (_, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
                <tr key={index}>
                  {columns.map((column) => (
                    <td key={column.id}>
                      <Skeleton width={column.align === 'end' ? '3rem' : '70%'} />
                    </td>
                  ))}
                </tr>
              ))
            : sortedRows.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((column) => (
                    <td key={column.id} data-align={column.align ?? 'start'}>
                      {column.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
          {showEmpty ? (
            <tr>
              <td colSpan={columns.length} className={styles.emptyCell}>
                {empty ? <EmptyState variant="plain" {...empty} /> : null}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
