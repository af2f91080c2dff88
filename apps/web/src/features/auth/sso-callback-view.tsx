'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { buttonClassName } from '@/components/ui/button';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { CompleteSsoSignInDocument } from './auth.documents';
import { AuthShell } from './auth-shell';
import styles from './login.module.css';
import { useSignIn } from './session';
import { takeSsoAttempt } from './sso-attempt';

/**
 * The provider's redirect back: sends its URL (code and state) with this tab's ticket to
 * `completeSsoSignIn` (the session comes back as an httpOnly cookie), then goes where the sign-in started. Errors (a group that gives
 * no role, a declined sign-in) are shown as the API words them.
 */
export function SsoCallbackView() {
  const t = useT();
  const router = useRouter();
  const signIn = useSignIn();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);

  useEffect(() => {
    // Once: the ticket is used up on the first try (Strict Mode runs effects twice).
    if (started.current) return;
    started.current = true;
    const callbackUrl = window.location.href;
    // The code leaves the address bar and the history at once.
    window.history.replaceState(null, '', '/login/sso');
    const attempt = takeSsoAttempt();
    if (!attempt) {
      setError(t('auth.sso.notStarted'));
      return;
    }
    request(
      CompleteSsoSignInDocument,
      { input: { callbackUrl, ticket: attempt.ticket, useCookie: true } },
      { auth: false },
    )
      .then(({ completeSsoSignIn }) => {
        signIn(completeSsoSignIn.user);
        router.replace(attempt.returnPath);
      })
      .catch((cause: unknown) =>
        setError(t('auth.sso.failed', { message: cause instanceof Error ? cause.message : String(cause) })),
      );
  }, [router, signIn, t]);

  return (
    <AuthShell subtitle={error ? null : t('auth.sso.completing')}>
      {error ? (
        <>
          <p className={styles.error} role="alert">
            {error}
          </p>
          <a href="/login" className={`${buttonClassName({ variant: 'secondary' })} ${styles.back}`}>
            {t('auth.sso.back')}
          </a>
        </>
      ) : null}
    </AuthShell>
  );
}
