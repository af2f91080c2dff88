import type { ReactNode } from 'react';
import { Svg } from '@/components/icons';
import type { Phase } from '@/lib/phases';
import styles from './status-badge.module.css';

/** Most phases are drawn as a ring with a mark inside. */
const ringed = (mark: string) => (
  <>
    <circle cx="8" cy="8" r="6.25" />
    <path d={mark} />
  </>
);

const SHAPES: Record<Phase, ReactNode> = {
  PENDING: <circle cx="8" cy="8" r="5.5" />,
  WAITING: ringed('M6.5 5.5v5M9.5 5.5v5'),
  RUNNING: (
    <>
      <circle cx="8" cy="8" r="5.5" opacity="0.3" />
      <path d="M8 2.5a5.5 5.5 0 0 1 5.5 5.5" />
    </>
  ),
  SUCCEEDED: ringed('m5.25 8.25 1.9 1.9 3.6-4.1'),
  FAILED: ringed('m5.75 5.75 4.5 4.5M10.25 5.75l-4.5 4.5'),
  CANCELLED: ringed('m4 12 8-8'),
  SKIPPED: (
    <>
      <path d="m3.5 4.5 4 3.5-4 3.5zM8 4.5l4 3.5-4 3.5z" />
      <path d="M13 4.5v7" />
    </>
  ),
};

/** The icon of a phase: never the only signal, always next to its text. */
export function PhaseIcon({ phase, size = 14 }: { phase: Phase; size?: number }) {
  return (
    <Svg size={size} strokeWidth={1.75} className={phase === 'RUNNING' ? styles.spin : undefined}>
      {SHAPES[phase]}
    </Svg>
  );
}
