'use client';

import { useT } from '@/i18n/i18n-provider';
import { errorMessage } from './error-message';
import styles from './runs.module.css';

/** Why a run action (start, approve, retry…) failed, announced next to its buttons; nothing while it has not. */
export function ActionError({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  return (
    <p className={styles.actionError} role="alert">
      {errorMessage(error, t)}
    </p>
  );
}
