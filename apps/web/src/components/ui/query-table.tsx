import { ErrorState } from './error-state';
import { Table, type TableProps } from './table';

/** What a table needs of the query that loads its rows (a TanStack query result fits). */
interface RowsQuery {
  error: unknown;
  isLoading: boolean;
  refetch: () => unknown;
}

export type QueryTableProps<Row> = Omit<TableProps<Row>, 'loading'> & {
  query: RowsQuery;
  /** The error state's title when the query failed. */
  loadFailed: string;
  /** Loading for longer than the query alone (say, while the tenant is still resolved). */
  loading?: boolean;
};

/** A table of the rows one query loads; when the query failed, its error with a retry stands in its place. */
export function QueryTable<Row>({ query, loadFailed, loading, ...table }: QueryTableProps<Row>) {
  if (query.error) {
    return <ErrorState title={loadFailed} error={query.error} onRetry={() => void query.refetch()} />;
  }
  return <Table {...table} loading={loading ?? query.isLoading} />;
}
