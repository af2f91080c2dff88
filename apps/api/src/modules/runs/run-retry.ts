import { reusableStages } from '@cyclone/dag';
import type { WorkflowSpec } from '@cyclone/domain';
import type { Prisma, StageRun } from '../../generated/prisma/client.js';
import type { ReusedStage } from './run-create.js';

/** The stage rows a retry copies from its original run, keyed by stage name. */
export function reusedStagesOf(
  spec: WorkflowSpec,
  original: { number: number; stageRuns: StageRun[] },
  fromStage: string | undefined,
): Map<string, ReusedStage> {
  const rows = new Map(original.stageRuns.map((row) => [row.stage, row]));
  const succeeded = new Set(original.stageRuns.filter((row) => row.phase === 'SUCCEEDED').map((row) => row.stage));
  const reused = new Map<string, ReusedStage>();
  for (const name of reusableStages(spec.stages, succeeded, fromStage)) {
    const row = rows.get(name) as StageRun;
    reused.set(name, {
      attempt: row.attempt,
      exitCode: row.exitCode,
      outputs: row.outputs as Prisma.InputJsonValue,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
      message: `reused from run #${original.number}`,
    });
  }
  return reused;
}
