'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Section } from '@/components/ui/section';
import { TextField, type TextFieldProps } from '@/components/ui/text-field';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { GraphQLRequestError } from '@/lib/graphql/errors';
import { queryKeys } from '@/lib/query-keys';
import { ChangePasswordDocument } from './account.documents';
import styles from './account.module.css';

/** The API names the field it refuses (`input.currentPassword: …`): the message goes under that input. */
function fieldError(error: unknown, field: 'currentPassword' | 'newPassword'): string | undefined {
  if (!(error instanceof GraphQLRequestError)) return undefined;
  const prefix = `input.${field}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : undefined;
}

/** Your password: the current one, then the new one twice. Your other sessions are signed out. */
export function ChangePasswordPanel() {
  const t = useT();
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeated, setRepeated] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: () => request(ChangePasswordDocument, { input: { currentPassword: current, newPassword: next } }),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setRepeated('');
      void queryClient.invalidateQueries({ queryKey: queryKeys.account.sessions });
      void queryClient.invalidateQueries({ queryKey: queryKeys.account.defaultPassword });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const isMismatch = next !== repeated;
    setMismatch(isMismatch);
    if (!isMismatch) change.mutate();
  };
  const reset = () => {
    if (change.error || change.isSuccess) change.reset();
  };
  const currentError = fieldError(change.error, 'currentPassword');
  const newError = fieldError(change.error, 'newPassword');
  const otherError = change.error && !currentError && !newError ? (change.error as Error).message : undefined;

  return (
    <Section id="password-title" title={t('account.password.title')} hint={t('account.password.hint')}>
      <form className={styles.form} onSubmit={submit} aria-label={t('account.password.title')}>
        <PasswordField
          label={t('account.password.current')}
          autoComplete="current-password"
          value={current}
          onChange={(value) => {
            setCurrent(value);
            reset();
          }}
          error={currentError ?? otherError}
        />
        <PasswordField
          label={t('account.password.new')}
          autoComplete="new-password"
          minLength={8}
          value={next}
          onChange={(value) => {
            setNext(value);
            reset();
          }}
          hint={t('account.password.newHint')}
          error={newError}
        />
        <PasswordField
          label={t('account.password.repeat')}
          autoComplete="new-password"
          value={repeated}
          onChange={(value) => {
            setRepeated(value);
            setMismatch(false);
          }}
          error={mismatch ? t('account.password.mismatch') : undefined}
        />
        <Button type="submit" variant="primary" loading={change.isPending}>
          {t('account.password.submit')}
        </Button>
      </form>
      {change.isSuccess ? (
        <p className={styles.done} role="status">
          {t('account.password.changed')}
        </p>
      ) : null}
    </Section>
  );
}

/** A required password input that hands its value to `onChange`. */
function PasswordField({
  onChange,
  ...props
}: Omit<TextFieldProps, 'type' | 'required' | 'onChange'> & { onChange: (value: string) => void }) {
  return <TextField type="password" required onChange={(event) => onChange(event.target.value)} {...props} />;
}
