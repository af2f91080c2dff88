'use client';

import { useEffect, useRef } from 'react';
import { useI18n } from '@/i18n/i18n-provider';
import { checkSteps, type StepState } from './check-steps';
import type { IntegrationTestResult } from './integrations.documents';
import styles from './integrations.module.css';

const ICON: Record<StepState, string> = { passed: '✓', failed: '✕', skipped: '–' };

/** The structured outcome of "Test connection": a line per check stage and the reason. */
export function TestResultCard({ result, server }: { result: IntegrationTestResult; server?: string }) {
  const { t, locale } = useI18n();
  const usesTls = !server || /^https:\/\//i.test(server);
  const ref = useRef<HTMLDivElement>(null);
  // The drawer may be scrolled up to the buttons: bring the answer into view.
  useEffect(() => {
    if (result.checkedAt) ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [result.checkedAt]);
  return (
    <div ref={ref} className={styles.result} data-ok={result.ok} role="status" aria-live="polite">
      <p className={styles.resultTitle}>
        {result.ok
          ? t('integrations.test.ok', { ms: result.latencyMs })
          : t('integrations.test.failed', { stage: t(`integrations.stage.${result.stage}`) })}
      </p>
      <ol className={styles.steps} aria-label={t('integrations.test.steps')}>
        {checkSteps(result, usesTls).map(({ stage, state }) => (
          <li key={stage} className={styles.step} data-state={state}>
            <span aria-hidden="true" className={styles.stepIcon}>
              {ICON[state]}
            </span>
            <span>{t(`integrations.stage.${stage}`)}</span>
            <span className="visually-hidden">{t(`integrations.step.${state}`)}</span>
          </li>
        ))}
      </ol>
      <p className={styles.resultMessage}>{result.message}</p>
      <p className={styles.resultMeta}>
        {t('integrations.test.meta', {
          code: result.code,
          ms: result.latencyMs,
          time: new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }).format(new Date(result.checkedAt)),
        })}
      </p>
    </div>
  );
}
