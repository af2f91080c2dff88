'use client';

import type { Document } from '@cyclone/api-contract';
import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { GraphQLRequestError } from './graphql/errors';
import { onConnectionChange, subscribe } from './graphql/ws-client';

export interface SubscriptionToCacheOptions<TEvent, TCached, TVariables> {
  /** The subscription document, e.g. graphql(`subscription RunUpdated($id: ID!) { workflowRunUpdated(id: $id) { … } }`). */
  document: Document<TEvent, TVariables>;
  variables: TVariables;
  /** The cache entry that the events keep up to date. */
  queryKey: QueryKey;
  /** Folds one event into the cached value (return the previous value to ignore it). */
  update: (previous: TCached | undefined, event: TEvent) => TCached | undefined;
  enabled?: boolean;
  onError?: (error: GraphQLRequestError) => void;
  /**
   * Folds the events that arrive within one animation frame into one cache write (one
   * render), for busy streams whose events each re-render a large view.
   */
  coalesce?: boolean;
}

/** A frame, or this long when the tab is hidden and frames do not come. */
const COALESCE_FALLBACK_MS = 100;

/**
 * Feeds the events of a GraphQL subscription into the React Query cache. After a
 * reconnect the entry is invalidated, so whatever happened while offline is fetched.
 */
export function useSubscriptionToCache<TEvent, TCached, TVariables>({
  document,
  variables,
  queryKey,
  update,
  enabled = true,
  onError,
  coalesce = false,
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
    let pending: TEvent[] = [];
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      frame = 0;
      timer = undefined;
      const events = pending;
      pending = [];
      const { update: fold, queryKey: key } = callbacks.current;
      queryClient.setQueryData<TCached>(key, (previous) => events.reduce<TCached | undefined>(fold, previous));
    };
    const unsubscribe = subscribe(document, vars, {
      next: (event) => {
        pending.push(event);
        if (!coalesce) flush();
        else if (!timer) {
          frame = requestAnimationFrame(flush);
          timer = setTimeout(flush, COALESCE_FALLBACK_MS);
        }
      },
      error: (error) => callbacks.current.onError?.(error),
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      unsubscribe();
      stopWatching();
    };
  }, [document, variablesHash, enabled, coalesce, queryClient]);
}
