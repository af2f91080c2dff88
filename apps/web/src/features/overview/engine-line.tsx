'use client';

import { useEngineStatus } from '@/features/shell/engine-status';
import { useT } from '@/i18n/i18n-provider';
import type { MessageKey } from '@/i18n/locales';
import styles from './overview.module.css';

const EXECUTOR_LABEL: Record<string, MessageKey> = {
  host: 'engine.executor.host',
  container: 'engine.executor.container',
  kubernetes: 'engine.executor.kubernetes',
};

/** "Stages run in containers — container engine 20.10 at /var/run/docker.sock". */
export function EngineLine() {
  const t = useT();
  const { data } = useEngineStatus();
  if (!data) return null;
  const label = EXECUTOR_LABEL[data.executor];
  return (
    <p className={styles.engineLine} data-testid="engine-line" data-executor={data.executor}>
      {label ? t(label) : data.executor}
      <span className={styles.engineDetail}> — {data.detail}</span>
    </p>
  );
}
