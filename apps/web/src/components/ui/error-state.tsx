'use client';

import { useT } from '@/i18n/i18n-provider';
import { errorCode } from '@/lib/graphql/errors';
import { AlertIcon } from '../icons';
import { Button } from './button';
import styles from './error-state.module.css';

/** A failed load or action: what happened, the error code, and a way to try again; nothing while `error` is empty. */
export function ErrorState({ title, error, onRetry }: { title: string; error: unknown; onRetry?: () => void }) {
  const t = useT();
  if (!error) return null;
  const code = errorCode(error);
  const message =
    code === 'NETWORK_ERROR'
      ? t('errors.network')
      : code === 'SERVICE_UNAVAILABLE'
        ? t('errors.unavailable')
        : error instanceof Error
          ? error.message
          : t('errors.generic');
  return (
    <div className={styles.error} role="alert">
      <AlertIcon size={20} className={styles.icon} />
      <div className={styles.body}>
        <p className={styles.title}>{title}</p>
        <p className={styles.message}>{message}</p>
        {code ? <p className={styles.code}>{t('common.errorCode', { code })}</p> : null}
      </div>
      {onRetry ? (
        <Button size="sm" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      ) : null}
    </div>
  );
}
