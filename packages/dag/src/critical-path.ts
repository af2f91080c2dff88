/** A stage of a run for the critical path: its dependencies and when it ran (ms since epoch). */
export interface TimedStage {
  name: string;
  dependsOn: readonly string[];
  startedAt?: number;
  /** Unset while it runs: it counts as ending `now`. */
  finishedAt?: number;
}

/**
 * The chain of stages that decided how long a run took, first to last: from the stage
 * that ended last, back through the dependency that ended last before it (the one it
 * waited for), to a stage that waited for none. Stages that never started (skipped,
 * pending) are not on it; a run where nothing started has an empty path. Ties go to
 * the dependency listed first, so the answer is stable.
 */
export function criticalPath(stages: readonly TimedStage[], now: number): string[] {
  const ran = new Map<string, TimedStage>();
  for (const stage of stages) if (stage.startedAt !== undefined) ran.set(stage.name, stage);
  const endOf = (stage: TimedStage) => stage.finishedAt ?? now;
  const latest = (candidates: TimedStage[]) =>
    candidates.reduce<TimedStage | undefined>(
      (best, stage) => (!best || endOf(stage) > endOf(best) ? stage : best),
      undefined,
    );

  const path: string[] = [];
  const seen = new Set<string>();
  let current = latest([...ran.values()]);
  while (current && !seen.has(current.name)) {
    seen.add(current.name);
    path.unshift(current.name);
    const upstream = current.dependsOn.map((name) => ran.get(name)).filter((stage) => stage !== undefined);
    current = latest(upstream);
  }
  return path;
}
