import type { RunPlan } from '@cyclone/dag';
import type { Metrics } from '../observability/instruments.js';
import type { EndedAttempt, LockedRun, StageRow } from './reconcile-store.js';

/** What a committed pass did, as the metrics count it. */
export interface PassEvents {
  stagesStarted: number;
  stagesEnded: { phase: string; seconds?: number }[];
  runStarted?: { queueWaitSeconds: number };
  runEnded?: { phase: string; seconds: number };
}

const seconds = (from: Date | null | undefined, to: Date) =>
  from ? Math.max(0, (to.getTime() - from.getTime()) / 1000) : undefined;

/**
 * The events of a pass, from its plan and the stage rows it was made from: attempts
 * started, stages the pass ended (kills; finishes of stages that waited or never ran,
 * with a duration when they had started), the run's start and its end.
 */
export function passEvents(pass: {
  run: Pick<LockedRun, 'createdAt' | 'startedAt'>;
  plan: RunPlan;
  stages: ReadonlyMap<string, Pick<StageRow, 'startedAt'>>;
  isTerminal: boolean;
  now: Date;
}): PassEvents {
  const { run, plan, stages, now } = pass;
  const ended = [...plan.kill, ...plan.finish].map(({ stage, phase }) => {
    const took = seconds(stages.get(stage)?.startedAt, now);
    return took === undefined ? { phase } : { phase, seconds: took };
  });
  const startedAt = run.startedAt ?? (plan.runPhase !== 'PENDING' ? now : null);
  return {
    stagesStarted: plan.start.length,
    stagesEnded: ended,
    ...(run.startedAt === null && startedAt
      ? { runStarted: { queueWaitSeconds: seconds(run.createdAt, now) ?? 0 } }
      : {}),
    ...(pass.isTerminal ? { runEnded: { phase: plan.runPhase, seconds: seconds(startedAt, now) ?? 0 } } : {}),
  };
}

export function recordPass(metrics: Metrics, events: PassEvents): void {
  if (events.stagesStarted > 0) metrics.stagesStarted.inc({ phase: 'RUNNING' }, events.stagesStarted);
  for (const { phase, seconds: took } of events.stagesEnded) {
    metrics.stagesFinished.inc({ phase });
    if (took !== undefined) metrics.stageDuration.observe({ phase }, took);
  }
  if (events.runStarted) {
    metrics.runsStarted.inc({ phase: 'RUNNING' });
    metrics.runQueueWait.observe(events.runStarted.queueWaitSeconds);
  }
  if (events.runEnded) {
    metrics.runsFinished.inc({ phase: events.runEnded.phase });
    metrics.runDuration.observe({ phase: events.runEnded.phase }, events.runEnded.seconds);
  }
}

/** An attempt that exited (its process, container or pod ended on its own). */
export function recordExit(metrics: Metrics, attempt: EndedAttempt, now: Date): void {
  metrics.stagesFinished.inc({ phase: attempt.phase });
  const took = seconds(attempt.startedAt, now);
  if (took !== undefined) metrics.stageDuration.observe({ phase: attempt.phase }, took);
}
