import { graphql, type ResultOf } from '@cyclone/api-contract';
import { useQuery } from '@tanstack/react-query';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';

export const EngineStatusDocument = graphql(`
  query EngineStatus {
    engineStatus {
      executor
      detail
      warning
    }
  }
`);
export type EngineStatus = NonNullable<ResultOf<typeof EngineStatusDocument>['engineStatus']>;

/** Where stages run (null until a controller has started); it changes only when a controller restarts. */
export function useEngineStatus() {
  return useQuery({
    queryKey: queryKeys.system.engine,
    queryFn: ({ signal }) => request(EngineStatusDocument, {}, { signal }),
    select: (data) => data.engineStatus,
    staleTime: 60_000,
  });
}
