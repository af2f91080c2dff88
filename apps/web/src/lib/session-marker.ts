/**
 * Which sign-in this browser is in: a random id made at sign-in, kept in localStorage and
 * observable (useSyncExternalStore), so that signing in or out, or a session refused by
 * the API, updates every open view and tab. It is no credential: the session itself is
 * an httpOnly cookie that page scripts never see (the API sets it at sign-in).
 */
const STORAGE_KEY = 'cyclone.session';
const CHANGE_EVENT = 'cyclone:session-change';
/** Where earlier versions kept the session token itself: removed wherever it is found. */
const LEGACY_TOKEN_KEY = 'cyclone.token';

function storage(): Storage | null {
  try {
    const local = typeof window === 'undefined' ? null : window.localStorage;
    local?.removeItem(LEGACY_TOKEN_KEY);
    return local;
  } catch {
    return null; // storage disabled (privacy mode)
  }
}

/** The current sign-in's id, or null when signed out. */
export function getSessionMarker(): string | null {
  return storage()?.getItem(STORAGE_KEY) ?? null;
}

export function markSignedIn(): void {
  storage()?.setItem(STORAGE_KEY, crypto.randomUUID());
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

export function clearSessionMarker(): void {
  if (getSessionMarker() === null) return;
  storage()?.removeItem(STORAGE_KEY);
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

export function subscribeSessionMarker(onChange: () => void): () => void {
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
