'use client';

import { useEffect, useState } from 'react';

/**
 * True once the browser is idle after the first view: for parts of the page that fetch
 * data the first view does not need, so they do not compete with it.
 */
export function useAfterFirstView(): boolean {
  const [isReady, setReady] = useState(false);
  useEffect(() => {
    if (typeof window.requestIdleCallback === 'function') {
      const id = window.requestIdleCallback(() => setReady(true), { timeout: 2000 });
      return () => window.cancelIdleCallback(id);
    }
    const id = window.setTimeout(() => setReady(true), 300);
    return () => window.clearTimeout(id);
  }, []);
  return isReady;
}
