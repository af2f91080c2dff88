'use client';

import { useQueryClient } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { createContext, type ReactNode, useContext, useEffect } from 'react';
import { ErrorState } from '@/components/ui/error-state';
import { useT } from '@/i18n/i18n-provider';
import { clearSessionMarker } from '@/lib/session-marker';
import type { User } from './auth.documents';
import { consumeSignedOutOnPurpose, useIsSignedIn, useMe } from './session';

const CurrentUserContext = createContext<User | null>(null);

/** The signed-in user; only inside <AuthGuard>. */
export function useCurrentUser(): User {
  const user = useContext(CurrentUserContext);
  if (!user) throw new Error('useCurrentUser must be used inside <AuthGuard>');
  return user;
}

/**
 * Renders its children only for a signed-in user; everyone else goes to /login
 * (with the page they asked for, to come back after signing in).
 */
export function AuthGuard({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const t = useT();
  const isSignedIn = useIsSignedIn();
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const me = useMe(Boolean(isSignedIn));
  const user = me.data?.me ?? null;

  // A session the API no longer knows (me = null) ends here.
  const sessionGone = Boolean(isSignedIn) && me.isSuccess && !user;
  useEffect(() => {
    if (sessionGone) clearSessionMarker();
  }, [sessionGone]);

  useEffect(() => {
    if (isSignedIn !== false) return;
    queryClient.clear();
    const keepReturnPath = !consumeSignedOutOnPurpose() && pathname && pathname !== '/';
    const search = typeof window === 'undefined' ? '' : window.location.search;
    router.replace(keepReturnPath ? `/login?next=${encodeURIComponent(`${pathname}${search}`)}` : '/login');
  }, [isSignedIn, pathname, router, queryClient]);

  if (isSignedIn && me.isError && !user) {
    return (
      <div style={{ maxWidth: 560, margin: '15vh auto', padding: '0 1rem' }}>
        <ErrorState title={t('auth.sessionCheckFailed')} error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  }
  if (!isSignedIn || !user) return <>{fallback}</>;
  return <CurrentUserContext.Provider value={user}>{children}</CurrentUserContext.Provider>;
}
