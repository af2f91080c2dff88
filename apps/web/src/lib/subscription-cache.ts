'use client';

import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { GraphQLRequestError } from './graphql/errors';
import { onConnectionChange, subscribe } from './graphql/ws-client';

export interface SubscriptionToCacheOptions<TEvent, TCached, TVariables extends object> {
  /** The subscription document, e.g. `subscription RunUpdated($id: ID!) { workflowRunUpdated(id: $id) { … } }`. */
  document: string;
  variables?: TVariables;
  /** The cache entry that the events keep up to date. */
  queryKey: QueryKey;
  /** Folds one event into the cached value (return the previous value to ignore it). */
  update: (previous: TCached | undefined, event: TEvent) => TCached | undefined;
  enabled?: boolean;
  onError?: (error: GraphQLRequestError) => void;
}

/**
 * Feeds the events of a GraphQL subscription into the React Query cache. After a
 * reconnect the entry is invalidated, so whatever happened while offline is fetched.
 */
export function useSubscriptionToCache<TEvent, TCached, TVariables extends object = Record<string, never>>({
  document,
  variables,
  queryKey,
  update,
  enabled = true,
  onError,
}: SubscriptionToCacheOptions<TEvent, TCached, TVariables>): void {
  const queryClient = useQueryClient();
  const callbacks = useRef({ update, onError, queryKey });
  callbacks.current = { update, onError, queryKey };

  const variablesHash = JSON.stringify(variables ?? {});

  useEffect(() => {
    if (!enabled) return;
    const vars = JSON.parse(variablesHash) as TVariables;
    let disconnected = false;

    const stopWatching = onConnectionChange((event) => {
      if (event === 'closed') disconnected = true;
      if (event === 'connected' && disconnected) {
        disconnected = false;
        void queryClient.invalidateQueries({ queryKey: callbacks.current.queryKey });
      }
    });
    const unsubscribe = subscribe<TEvent, TVariables>(document, vars, {
      next: (event) => {
        const { update: fold, queryKey: key } = callbacks.current;
        queryClient.setQueryData<TCached>(key, (previous) => fold(previous, event));
      },
      error: (error) => callbacks.current.onError?.(error),
    });
    return () => {
      unsubscribe();
      stopWatching();
    };
  }, [document, variablesHash, enabled, queryClient]);
}
