'use client';

import { useEffect, useRef } from 'react';

const GUARD_KEY = '__cycloneUnsavedGuard';

/**
 * Asks before leaving with unsaved changes: the browser's own prompt on reload/close, a
 * confirm for in-app links (the app router has no navigation events to cancel), and one
 * for the browser's Back button: while dirty, a guard entry with the same URL sits on top
 * of the history, so Back first lands on the page itself, where we can ask.
 */
export function useUnsavedGuard(isDirty: boolean, message: string): void {
  const leaving = useRef(false);
  useEffect(() => {
    if (!isDirty) return;
    const isGuard = (state: unknown) => Boolean(state && (state as Record<string, unknown>)[GUARD_KEY]);
    const pushGuard = () =>
      window.history.pushState({ ...(window.history.state ?? {}), [GUARD_KEY]: true }, '', window.location.href);
    if (!isGuard(window.history.state)) pushGuard();

    const onPopState = (event: PopStateEvent) => {
      if (leaving.current || isGuard(event.state)) return;
      if (window.confirm(message)) {
        leaving.current = true;
        window.history.back();
      } else {
        pushGuard();
      }
    };
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = message;
    };
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      const anchor = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (!anchor || anchor.target === '_blank' || anchor.hasAttribute('download')) return;
      const url = new URL(anchor.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname === window.location.pathname) return;
      if (!window.confirm(message)) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener('popstate', onPopState);
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('popstate', onPopState);
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, [isDirty, message]);
}
