'use client';

import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';

/**
 * A change to one row of a listed query (delete, revoke, change a role): once it settles, done
 * or failed, the list under `listKey` is fetched again, so the table shows what the server holds.
 */
export function useListMutation<Variables>(listKey: QueryKey, mutationFn: (variables: Variables) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSettled: () => queryClient.invalidateQueries({ queryKey: listKey }) });
}
