'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { errorCode } from '@/lib/graphql/errors';
import { queryKeys } from '@/lib/query-keys';
import { LoginDocument, type LoginVariables, SignInOptionsDocument, StartSsoSignInDocument } from './auth.documents';
import { AuthShell } from './auth-shell';
import styles from './login.module.css';
import { safeReturnPath } from './return-path';
import { useIsSignedIn, useSignIn } from './session';
import { saveSsoAttempt } from './sso-attempt';

export function LoginView({ next }: { next?: string }) {
  const t = useT();
  const router = useRouter();
  const isSignedIn = useIsSignedIn();
  const signIn = useSignIn();
  const returnPath = safeReturnPath(next);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [formError, setFormError] = useState<string | null>(null);

  // Already signed in (another tab, or back button): the guard re-checks the session.
  useEffect(() => {
    if (isSignedIn) router.replace(returnPath);
  }, [isSignedIn, returnPath, router]);

  const options = useQuery({
    queryKey: queryKeys.signInOptions,
    queryFn: ({ signal }) => request(SignInOptionsDocument, undefined, { auth: false, signal }),
    staleTime: 60_000,
  });
  const sso = options.data?.signInOptions.sso ?? null;
  // Until the API says otherwise the form is shown: an API without the question still takes passwords.
  const isPasswordOffered = options.data?.signInOptions.password ?? true;

  // Off to the provider; /login/sso finishes with the ticket kept in this tab.
  const startSso = useMutation({
    mutationFn: () => request(StartSsoSignInDocument, undefined, { auth: false }),
    onSuccess: ({ startSsoSignIn }) => {
      saveSsoAttempt({ ticket: startSsoSignIn.ticket, returnPath });
      window.location.assign(startSsoSignIn.authorizationUrl);
    },
    onError: (error) =>
      setFormError(t('auth.sso.failed', { message: error instanceof Error ? error.message : String(error) })),
  });

  const login = useMutation({
    mutationFn: (variables: LoginVariables) => request(LoginDocument, variables, { auth: false }),
    onSuccess: ({ login: payload }) => {
      signIn(payload.user);
      router.replace(returnPath);
    },
    onError: (error) => {
      const code = errorCode(error);
      if (code === 'UNAUTHENTICATED' || code === 'BAD_USER_INPUT') setFormError(t('auth.login.invalidCredentials'));
      else if (code === 'NETWORK_ERROR') setFormError(t('errors.network'));
      else if (code === 'SERVICE_UNAVAILABLE') setFormError(t('errors.unavailable'));
      else setFormError(t('auth.login.failed', { message: error instanceof Error ? error.message : String(error) }));
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!email.trim() || !password) {
      setFormError(t('auth.login.missingFields'));
      return;
    }
    setFormError(null);
    login.mutate({ input: { email: email.trim(), password, useCookie: true } });
  };

  return (
    <AuthShell subtitle={t('auth.login.subtitle')}>
      {isPasswordOffered ? (
        <form className={styles.form} onSubmit={onSubmit} noValidate>
          <TextField
            label={t('auth.login.email')}
            name="email"
            type="email"
            autoComplete="username"
            inputMode="email"
            autoFocus
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          <TextField
            label={t('auth.login.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <Button type="submit" variant="primary" fullWidth loading={login.isPending || login.isSuccess}>
            {t('auth.login.submit')}
          </Button>
        </form>
      ) : null}
      {sso ? (
        <div className={styles.sso}>
          {isPasswordOffered ? <span className={styles.divider}>{t('auth.login.or')}</span> : null}
          <Button
            variant={isPasswordOffered ? 'secondary' : 'primary'}
            fullWidth
            loading={startSso.isPending || startSso.isSuccess}
            onClick={() => {
              setFormError(null);
              startSso.mutate();
            }}
          >
            {t('auth.login.sso', { name: sso.name })}
          </Button>
        </div>
      ) : null}
      {formError ? (
        <p className={styles.error} role="alert">
          {formError}
        </p>
      ) : null}
    </AuthShell>
  );
}
