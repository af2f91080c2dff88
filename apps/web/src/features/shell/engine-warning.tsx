'use client';

import { useT } from '@/i18n/i18n-provider';
import { useEngineStatus } from './engine-status';
import styles from './shell.module.css';

/** A banner on every page while stages run without isolation from the server (see docs/engine.md). */
export function EngineWarning() {
  const t = useT();
  const { data } = useEngineStatus();
  if (!data?.warning) return null;
  return (
    <div role="alert" className={styles.engineWarning} data-testid="engine-warning">
      <strong>{t('engine.warningTitle')}</strong> {data.warning}
    </div>
  );
}
