'use client';

import { useT } from '@/i18n/i18n-provider';
import type { Phase } from '@/lib/phases';
import { PhaseIcon } from './phase-icon';
import styles from './status-badge.module.css';

/** A phase as icon + text in the shared status palette. */
export function StatusBadge({ phase, size = 'md' }: { phase: Phase; size?: 'sm' | 'md' }) {
  const t = useT();
  return (
    <span className={styles.badge} data-phase={phase} data-size={size}>
      <PhaseIcon phase={phase} size={size === 'sm' ? 12 : 14} />
      <span>{t(`phase.${phase}`)}</span>
    </span>
  );
}
