import type { DagViewPhase } from '@/features/dag-editor';
import type { LogLine } from './log-buffer';

/** Speeds a finished run can be played back at. */
export const REPLAY_SPEEDS = [1, 2, 5, 10, 30, 60] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

export interface ReplayStage {
  name: string;
  phase: string;
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  message: string;
  /** Set for an approval stage: it waited rather than ran. */
  approval?: unknown;
}

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/**
 * The span a replay covers: from the first stage start (or the run's start) to the last
 * stage end (or the run's end). Null when nothing ran.
 */
export function replaySpan(
  run: { startedAt: string | null; finishedAt: string | null },
  stages: readonly ReplayStage[],
): { start: number; end: number } | null {
  const starts = [time(run.startedAt), ...stages.map((stage) => time(stage.startedAt))].filter(Number.isFinite);
  const ends = [time(run.finishedAt), ...stages.map((stage) => time(stage.finishedAt))].filter(Number.isFinite);
  if (starts.length === 0 || ends.length === 0) return null;
  const start = Math.min(...starts);
  return { start, end: Math.max(start, ...ends) };
}

/**
 * Each stage as it stood at `at` (ms since epoch), from its stored times only: not
 * started yet → PENDING; started and not ended → RUNNING (WAITING for an approval stage),
 * its duration counted to `at`;
 * ended → its final phase. A stage that never started (skipped, cancelled while
 * pending) turns to its final phase when it was decided, or stays PENDING to the end.
 * Attempts before the last are not stored apart, so a retried stage runs from its first
 * start to its end.
 */
export function phasesAt(stages: readonly ReplayStage[], at: number): Record<string, DagViewPhase> {
  const out: Record<string, DagViewPhase> = {};
  for (const stage of stages) {
    const started = time(stage.startedAt);
    const finished = time(stage.finishedAt);
    if (Number.isFinite(finished) && at >= finished) {
      out[stage.name] = {
        phase: stage.phase,
        attempt: stage.attempt,
        startedAt: stage.startedAt ?? undefined,
        finishedAt: stage.finishedAt ?? undefined,
        reason: stage.phase === 'SKIPPED' ? stage.message.replace(/^skipped: /, '') : undefined,
      };
    } else if (Number.isFinite(started) && at >= started) {
      out[stage.name] = {
        phase: stage.approval ? 'WAITING' : 'RUNNING',
        startedAt: stage.startedAt ?? undefined,
        finishedAt: new Date(at).toISOString(),
      };
    } else {
      out[stage.name] = { phase: 'PENDING' };
    }
  }
  return out;
}

/**
 * The lines written by `at`: a prefix of the log, since lines are stored in the order
 * they were written (seq order), so their times never go back. Binary search: a replay
 * asks this every frame, of logs of 100k lines.
 */
export function linesUntil(lines: readonly LogLine[], at: number): readonly LogLine[] {
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (time((lines[mid] as LogLine).timestamp) <= at) low = mid + 1;
    else high = mid;
  }
  return low === lines.length ? lines : lines.slice(0, low);
}

/** `m:ss` (or `h:mm:ss`) of a span of milliseconds, for the scrubber. */
export function clockText(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
