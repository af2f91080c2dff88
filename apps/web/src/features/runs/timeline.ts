/** Timeline (Gantt) maths of a run: where each stage's bar sits and the time ticks. */

export interface TimedStage {
  name: string;
  phase: string;
  startedAt?: string | null;
  finishedAt?: string | null;
}

export interface TimelineBar {
  name: string;
  phase: string;
  /** Left edge and width as fractions of the window (0..1); null when not started. */
  start: number | null;
  width: number | null;
  durationMs: number | null;
}

export interface Timeline {
  startMs: number;
  endMs: number;
  bars: TimelineBar[];
  ticks: { at: number; label: string }[];
}

const STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];

/** A tick step that gives at most `maxTicks` ticks over `spanMs`. */
export function tickStepMs(spanMs: number, maxTicks = 6): number {
  for (const step of STEPS_S) if (spanMs / (step * 1000) <= maxTicks) return step * 1000;
  return (STEPS_S[STEPS_S.length - 1] as number) * 1000;
}

/** `0s`, `45s`, `2m`, `2m 30s`, `1h 05m`: an offset from the run's start. */
export function formatOffset(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${m}m`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Lays out the bars: unfinished stages run to `now`; the window spans the earliest start to the latest end. */
export function computeTimeline(stages: readonly TimedStage[], now: number, maxTicks = 6): Timeline {
  const spans = stages.map((stage) => {
    const start = stage.startedAt ? Date.parse(stage.startedAt) : Number.NaN;
    if (!Number.isFinite(start)) return null;
    const finished = stage.finishedAt ? Date.parse(stage.finishedAt) : Number.NaN;
    const end = Number.isFinite(finished) ? finished : Math.max(start, now);
    return { start, end };
  });
  const known = spans.filter((s): s is { start: number; end: number } => s !== null);
  const startMs = known.length ? Math.min(...known.map((s) => s.start)) : now;
  const endMs = known.length ? Math.max(...known.map((s) => s.end)) : now;
  // A window of at least one second keeps the bars drawable.
  const span = Math.max(1000, endMs - startMs);
  const bars = stages.map((stage, i): TimelineBar => {
    const s = spans[i];
    if (!s) return { name: stage.name, phase: stage.phase, start: null, width: null, durationMs: null };
    return {
      name: stage.name,
      phase: stage.phase,
      start: (s.start - startMs) / span,
      width: Math.max(0, (s.end - s.start) / span),
      durationMs: s.end - s.start,
    };
  });
  const step = tickStepMs(span, maxTicks);
  const ticks: Timeline['ticks'] = [];
  for (let at = 0; at <= span + 1; at += step) ticks.push({ at: at / span, label: formatOffset(at) });
  return { startMs, endMs: startMs + span, bars, ticks };
}
