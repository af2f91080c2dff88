import type { ReactNode } from 'react';
import type { Phase } from '@/lib/phases';
import styles from './status-badge.module.css';

function PhaseSvg({ size, className, children }: { size: number; className?: string; children: ReactNode }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      className={className}
    >
      {children}
    </svg>
  );
}

/** The icon of a phase: never the only signal, always next to its text. */
export function PhaseIcon({ phase, size = 14 }: { phase: Phase; size?: number }) {
  switch (phase) {
    case 'PENDING':
      return (
        <PhaseSvg size={size}>
          <circle cx="8" cy="8" r="5.5" />
        </PhaseSvg>
      );
    case 'WAITING':
      return (
        <PhaseSvg size={size}>
          <circle cx="8" cy="8" r="6.25" />
          <path d="M6.5 5.5v5M9.5 5.5v5" />
        </PhaseSvg>
      );
    case 'RUNNING':
      return (
        <PhaseSvg size={size} className={styles.spin}>
          <circle cx="8" cy="8" r="5.5" opacity="0.3" />
          <path d="M8 2.5a5.5 5.5 0 0 1 5.5 5.5" />
        </PhaseSvg>
      );
    case 'SUCCEEDED':
      return (
        <PhaseSvg size={size}>
          <circle cx="8" cy="8" r="6.25" />
          <path d="m5.25 8.25 1.9 1.9 3.6-4.1" />
        </PhaseSvg>
      );
    case 'FAILED':
      return (
        <PhaseSvg size={size}>
          <circle cx="8" cy="8" r="6.25" />
          <path d="m5.75 5.75 4.5 4.5M10.25 5.75l-4.5 4.5" />
        </PhaseSvg>
      );
    case 'CANCELLED':
      return (
        <PhaseSvg size={size}>
          <circle cx="8" cy="8" r="6.25" />
          <path d="m4 12 8-8" />
        </PhaseSvg>
      );
    case 'SKIPPED':
      return (
        <PhaseSvg size={size}>
          <path d="m3.5 4.5 4 3.5-4 3.5zM8 4.5l4 3.5-4 3.5z" />
          <path d="M13 4.5v7" />
        </PhaseSvg>
      );
  }
}
