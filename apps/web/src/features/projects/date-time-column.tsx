import type { Column } from '@/components/ui/table';
import type { Locale } from '@/i18n/locales';
import { formatDateTime } from './format';

/** A sortable table column of one date and time per row (created, updated…), written in the user's language. */
export function dateTimeColumn<Row>(
  id: string,
  header: string,
  value: (row: Row) => string,
  locale: Locale,
): Column<Row> {
  return {
    id,
    header,
    sortValue: value,
    cell: (row) => <time dateTime={value(row)}>{formatDateTime(value(row), locale)}</time>,
  };
}
