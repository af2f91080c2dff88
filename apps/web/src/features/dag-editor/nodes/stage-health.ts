import type { useT } from '@/i18n/i18n-provider';
import type { StageHealthFigures } from '../editor/editor.documents';

export interface HealthLabel {
  text: string;
  tone: 'ok' | 'warn' | 'bad';
  title: string;
}

type Translate = ReturnType<typeof useT>;

/** Failing at least this share of its runs paints a stage red. */
const BAD_FAILURE_RATE = 0.2;

/** A short figure for seconds: `0.4s`, `12s`, `3m 05s`. */
export function secondsText(seconds: number): string {
  if (seconds < 9.95) return `${Number(seconds.toFixed(1))}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
}

/**
 * What a stage's node says about its recent runs: its p95, flakes and failures in a few
 * characters, red when it fails often or is degrading, amber when it flakes or fails at
 * all; the tooltip spells it out.
 */
export function healthLabel(health: StageHealthFigures, t: Translate): HealthLabel {
  if (health.runs === 0) return { text: t('dag.health.noRuns'), tone: 'ok', title: t('dag.health.noRunsHint') };
  const parts = [health.p95Seconds === null ? undefined : `p95 ${secondsText(health.p95Seconds)}`];
  if (health.flakes > 0) parts.push(t('dag.health.flakes', { count: health.flakes }));
  if (health.failures > 0) parts.push(t('dag.health.failures', { count: health.failures }));
  const failing = health.failures / health.runs >= BAD_FAILURE_RATE;
  const tone =
    failing || health.trend === 'DEGRADING' ? 'bad' : health.flakes > 0 || health.failures > 0 ? 'warn' : 'ok';
  const title = t('dag.health.title', {
    runs: health.runs,
    failures: health.failures,
    flakes: health.flakes,
    p50: health.p50Seconds === null ? '–' : secondsText(health.p50Seconds),
    p95: health.p95Seconds === null ? '–' : secondsText(health.p95Seconds),
    trend: t(`dag.health.trend.${health.trend}`),
  });
  return { text: parts.filter(Boolean).join(' · ') || t('dag.health.noSuccess'), tone, title };
}
