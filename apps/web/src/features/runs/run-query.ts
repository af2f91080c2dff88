import { queryOptions } from '@tanstack/react-query';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { RunDocument } from './runs.documents';

/** A run by id; shared by the run dashboard and the route prefetch (same key, same data). */
export const runQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.runs.detail(id),
    queryFn: ({ signal }) => request(RunDocument, { id }, { signal }),
  });
