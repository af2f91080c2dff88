'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useSyncExternalStore } from 'react';
import { clearToken, getToken, setToken, subscribeToken } from '@/lib/auth-token';
import { request } from '@/lib/graphql/client';
import { disposeWsClient } from '@/lib/graphql/ws-client';
import { queryKeys } from '@/lib/query-keys';
import { LogoutDocument, MeDocument, type MeResult, type User } from './auth.documents';

/**
 * The session token: `undefined` while rendering on the server or hydrating (unknown yet),
 * `null` when signed out, the token otherwise.
 */
export function useToken(): string | null | undefined {
  return useSyncExternalStore(subscribeToken, getToken, () => undefined);
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
    (token: string, user: User) => {
      queryClient.clear();
      disposeWsClient();
      setToken(token);
      queryClient.setQueryData<MeResult>(queryKeys.me, { me: user });
    },
    [queryClient],
  );
}

/**
 * Signs out: the API revokes the session first (a copied token stops working too), then
 * this browser forgets it. Should the API not answer, the browser forgets it all the same.
 */
export function useSignOut() {
  const queryClient = useQueryClient();
  const router = useRouter();
  return useCallback(async () => {
    signedOutOnPurpose = true;
    if (getToken()) await request(LogoutDocument).catch(() => undefined);
    clearToken();
    disposeWsClient();
    queryClient.clear();
    router.replace('/login');
  }, [queryClient, router]);
}
