/**
 * A single sign-on in progress: the API's ticket and where to go afterwards, kept in
 * this tab's sessionStorage (never in a URL) from the click on "Sign in with SSO" to
 * the provider's redirect back to /login/sso. A redirect opened in a tab that did not
 * start the sign-in finds no ticket, so it cannot sign anyone in.
 */
const STORAGE_KEY = 'cyclone.ssoAttempt';

export interface SsoAttempt {
  ticket: string;
  returnPath: string;
}

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null;
  }
}

export function saveSsoAttempt(attempt: SsoAttempt): void {
  storage()?.setItem(STORAGE_KEY, JSON.stringify(attempt));
}

/** The attempt of this tab, removed as it is read: a ticket is used once. */
export function takeSsoAttempt(): SsoAttempt | null {
  const text = storage()?.getItem(STORAGE_KEY);
  storage()?.removeItem(STORAGE_KEY);
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as Partial<SsoAttempt>;
    return typeof parsed.ticket === 'string' && typeof parsed.returnPath === 'string'
      ? { ticket: parsed.ticket, returnPath: parsed.returnPath }
      : null;
  } catch {
    return null;
  }
}
