import { useQuery } from '@tanstack/react-query';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';

export interface EngineStatus {
  executor: 'host' | 'container' | 'kubernetes';
  detail: string;
  warning: string | null;
}

export const EngineStatusDocument = /* GraphQL */ `
  query EngineStatus {
    engineStatus {
      executor
      detail
      warning
    }
  }
`;

/** Where stages run (null until a controller has started); it changes only when a controller restarts. */
export function useEngineStatus() {
  return useQuery({
    queryKey: queryKeys.system.engine,
    queryFn: ({ signal }) => request<{ engineStatus: EngineStatus | null }>(EngineStatusDocument, {}, { signal }),
    select: (data) => data.engineStatus,
    staleTime: 60_000,
  });
}
