'use client';

import type { ReactNode } from 'react';
import { AlertIcon, CheckIcon } from '@/components/icons';
import { useT } from '@/i18n/i18n-provider';
import type { EditorIssue } from '../model/validate';
import styles from './editor.module.css';

/** Problems that keep the workflow from being saved; a click selects the stage. */
export function ValidationPanel({
  issues,
  onSelect,
  children,
}: {
  issues: EditorIssue[];
  onSelect: (stage: string) => void;
  /** More checks below the problems (the saved workflow's preflight). */
  children?: ReactNode;
}) {
  const t = useT();
  return (
    <section className={styles.validation} aria-label={t('editor.validation.title')} aria-live="polite">
      <h2 className={styles.panelTitle}>
        {issues.length === 0 ? (
          <>
            <CheckIcon size={14} className={styles.ok} /> {t('editor.validation.ok')}
          </>
        ) : (
          <>
            <AlertIcon size={14} className={styles.bad} /> {t('editor.validation.count', { count: issues.length })}
          </>
        )}
      </h2>
      {issues.length > 0 ? (
        <ul className={styles.issueList}>
          {issues.slice(0, 50).map((issue, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: issues are recomputed as a whole
            <li key={index}>
              {issue.stage ? (
                <button type="button" className={styles.issueButton} onClick={() => onSelect(issue.stage as string)}>
                  {issue.message}
                </button>
              ) : (
                issue.message
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {children}
    </section>
  );
}
