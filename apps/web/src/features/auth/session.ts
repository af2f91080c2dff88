'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useSyncExternalStore } from 'react';

import { request } from '@/lib/graphql/client';
import { disposeWsClient } from '@/lib/graphql/ws-client';
import { queryKeys } from '@/lib/query-keys';
import { clearSessionMarker, getSessionMarker, markSignedIn, subscribeSessionMarker } from '@/lib/session-marker';
import { LogoutDocument, MeDocument, type MeResult, type User } from './auth.documents';

/**
 * Whether this browser is signed in: `undefined` while rendering on the server or
 * hydrating (unknown yet). The API has the last word (`me`, see AuthGuard).
 */
export function useIsSignedIn(): boolean | undefined {
  return useSyncExternalStore(
    subscribeSessionMarker,
    () => getSessionMarker() !== null,
    () => undefined,
  );
}

export function useMe(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => request(MeDocument, undefined, { signal }),
    enabled,
    staleTime: 5 * 60_000,
  });
}

let signedOutOnPurpose = false;

/** True once after the user signed out themselves (no "return to" page is kept then). */
export function consumeSignedOutOnPurpose(): boolean {
  const value = signedOutOnPurpose;
  signedOutOnPurpose = false;
  return value;
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useCallback(
    (user: User) => {
      queryClient.clear();
      disposeWsClient();
      markSignedIn();
      queryClient.setQueryData<MeResult>(queryKeys.me, { me: user });
    },
    [queryClient],
  );
}

/**
 * Signs out: the API revokes the session and clears its cookie first (a copied token
 * stops working too), then this browser forgets it. Should the API not answer, the
 * browser forgets it all the same.
 */
export function useSignOut() {
  const queryClient = useQueryClient();
  const router = useRouter();
  return useCallback(async () => {
    signedOutOnPurpose = true;
    if (getSessionMarker()) await request(LogoutDocument).catch(() => undefined);
    clearSessionMarker();
    disposeWsClient();
    queryClient.clear();
    router.replace('/login');
  }, [queryClient, router]);
}
