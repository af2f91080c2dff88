/**
 * The session token, kept in localStorage and observable (useSyncExternalStore), so that
 * signing in or out, or a token rejected by the API, updates every open view and tab.
 */
const STORAGE_KEY = 'cyclone.token';
const CHANGE_EVENT = 'cyclone:token-change';

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null; // storage disabled (privacy mode)
  }
}

export function getToken(): string | null {
  return storage()?.getItem(STORAGE_KEY) ?? null;
}

export function setToken(token: string): void {
  storage()?.setItem(STORAGE_KEY, token);
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

export function clearToken(): void {
  if (getToken() === null) return;
  storage()?.removeItem(STORAGE_KEY);
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

export function subscribeToken(onChange: () => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key === STORAGE_KEY) onChange();
  };
  window.addEventListener(CHANGE_EVENT, onChange);
  window.addEventListener('storage', onStorage);
  return () => {
    window.removeEventListener(CHANGE_EVENT, onChange);
    window.removeEventListener('storage', onStorage);
  };
}
