/** One stage's part in one ended run, oldest run first. */
export interface StageSample {
  phase: 'PENDING' | 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'SKIPPED';
  /** The attempt that ended it (1 = first try). */
  attempt: number;
  durationMs: number | null;
}

export type StageTrend = 'IMPROVING' | 'STEADY' | 'DEGRADING' | 'NOT_ENOUGH_DATA';

export interface StageHealth {
  stage: string;
  runs: number;
  failures: number;
  flakes: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
  trend: StageTrend;
}

/** Runs each half needs before a trend is told. */
export const TREND_MIN_RUNS_PER_HALF = 3;
/** A failure rate this much higher (or lower) in the newer half is a trend. */
const FAILURE_RATE_STEP = 0.1;
/** A median this many times longer (or shorter) in the newer half is a trend. */
const DURATION_RATIO = 1.25;

/** Not TERMINAL_STAGE_PHASES: a SKIPPED stage ended without running, so it is no run of the stage. */
const RAN_TO_AN_END = new Set<StageSample['phase']>(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * How a stage fared over recent runs. `runs` counts the runs where it ran to an end
 * (skipped and never-started ones are not runs of it); a flake is a success that took
 * more than one attempt (it failed, then passed on a retry with nothing changed);
 * percentiles are over successful attempts, nearest-rank. The trend compares the newer
 * half of the runs with the older: failing more often, or a median 25% longer, is
 * DEGRADING (failures weigh first); the reverse IMPROVING.
 */
export function stageHealth(stage: string, samples: readonly StageSample[]): StageHealth {
  const ran = samples.filter((sample) => RAN_TO_AN_END.has(sample.phase));
  const durations = successDurations(ran);
  const half = Math.floor(ran.length / 2);
  return {
    stage,
    runs: ran.length,
    failures: ran.filter((sample) => sample.phase === 'FAILED').length,
    flakes: ran.filter((sample) => sample.phase === 'SUCCEEDED' && sample.attempt > 1).length,
    p50Seconds: percentileSeconds(durations, 0.5),
    p95Seconds: percentileSeconds(durations, 0.95),
    trend: trendOf(ran.slice(0, ran.length - half), ran.slice(ran.length - half)),
  };
}

function trendOf(older: readonly StageSample[], newer: readonly StageSample[]): StageTrend {
  if (older.length < TREND_MIN_RUNS_PER_HALF || newer.length < TREND_MIN_RUNS_PER_HALF) return 'NOT_ENOUGH_DATA';
  const failureRate = (samples: readonly StageSample[]) =>
    samples.filter((sample) => sample.phase === 'FAILED').length / samples.length;
  const step = failureRate(newer) - failureRate(older);
  if (step >= FAILURE_RATE_STEP) return 'DEGRADING';
  if (step <= -FAILURE_RATE_STEP) return 'IMPROVING';
  const before = percentileSeconds(successDurations(older), 0.5);
  const after = percentileSeconds(successDurations(newer), 0.5);
  if (before === null || after === null || before === 0) return 'STEADY';
  if (after / before >= DURATION_RATIO) return 'DEGRADING';
  if (before / Math.max(after, Number.EPSILON) >= DURATION_RATIO) return 'IMPROVING';
  return 'STEADY';
}

function successDurations(samples: readonly StageSample[]): number[] {
  return samples
    .filter((sample) => sample.phase === 'SUCCEEDED' && sample.durationMs !== null)
    .map((sample) => sample.durationMs as number)
    .sort((a, b) => a - b);
}

/** Nearest-rank percentile of sorted milliseconds, in seconds (3 decimals); null without samples. */
function percentileSeconds(sortedMs: readonly number[], p: number): number | null {
  if (sortedMs.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sortedMs.length));
  return Math.round(sortedMs[rank - 1] as number) / 1000;
}
