import { isTerminalPhase } from '@cyclone/domain/core';

/** Each matrix stage's combinations that have ended out of all (`2/4`), by matrix stage. */
export function matrixProgress(stages: readonly { name: string; phase: string; matrixOf?: string | null }[]) {
  const counts = new Map<string, { ended: number; total: number }>();
  for (const stage of stages) {
    if (!stage.matrixOf) continue;
    const count = counts.get(stage.matrixOf) ?? { ended: 0, total: 0 };
    count.total += 1;
    // A FAILED combination may still be retried, but it ended an attempt.
    if (isTerminalPhase(stage.phase)) count.ended += 1;
    counts.set(stage.matrixOf, count);
  }
  return new Map([...counts].map(([name, { ended, total }]) => [name, `${ended}/${total}`]));
}

/** A combination's values as people read them: `os=linux, go=1.22`. */
export const combinationText = (values: readonly { name: string; value: string }[]) =>
  values.map(({ name, value }) => `${name}=${value}`).join(', ');
