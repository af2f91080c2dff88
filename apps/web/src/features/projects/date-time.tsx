'use client';

import type { Column } from '@/components/ui/table';
import text from '@/components/ui/text.module.css';
import { useI18n } from '@/i18n/i18n-provider';
import { formatDateTime } from './format';

/** A date and time in the user's language; without one, the muted `fallback` (never used, no expiry…). */
export function DateTime({ iso, fallback }: { iso: string | null | undefined; fallback?: string }) {
  const { locale } = useI18n();
  if (!iso) return fallback ? <span className={text.muted}>{fallback}</span> : null;
  return <time dateTime={iso}>{formatDateTime(iso, locale)}</time>;
}

/** A sortable table column of one date and time per row (created, last used…); `fallback` where a row has none. */
export function dateTimeColumn<Row>(
  id: string,
  header: string,
  value: (row: Row) => string | null,
  fallback?: string,
): Column<Row> {
  return { id, header, sortValue: value, cell: (row) => <DateTime iso={value(row)} fallback={fallback} /> };
}
