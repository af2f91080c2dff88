import { reusableStages } from '@cyclone/dag';
import type { WorkflowSpec } from '@cyclone/domain';
import type { Prisma, StageRun } from '../../generated/prisma/client.js';
import type { Tx } from '../shared/mutation.js';
import { readWorkflowVersion } from '../workflows/workflow-versions.js';
import type { StageInputShape } from '../workflows/workflows.inputs.js';
import { workflowsRepository } from '../workflows/workflows.repository.js';
import {
  assertNoChildCycle,
  assertResourcesExist,
  assertValidGraph,
  inputFieldNames,
} from '../workflows/workflows.rules.js';
import type { ReusedStage } from './run-create.js';

/** What a retry that heals a failed run in place changes (retryWorkflowRun overrides). */
export interface RetryHeal {
  overrides?: StageInputShape[] | null;
  saveAsNewVersion?: boolean | null;
}

/** The stage rows a retry copies from its original run, keyed by stage name. */
export function reusedStagesOf(
  spec: WorkflowSpec,
  original: { number: number; stageRuns: StageRun[] },
  restartFrom: readonly string[],
): Map<string, ReusedStage> {
  const rows = new Map(original.stageRuns.map((row) => [row.stage, row]));
  const succeeded = new Set(original.stageRuns.filter((row) => row.phase === 'SUCCEEDED').map((row) => row.stage));
  const reused = new Map<string, ReusedStage>();
  for (const name of reusableStages(spec.stages, succeeded, restartFrom)) {
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

/**
 * The version a healing retry runs: checked like an update of the workflow (graph,
 * resources), then saved as the workflow's new current version, or kept beside the
 * current one (listed with the others, never current) when not asked to save it.
 */
export async function healedVersion(
  tx: Tx,
  heal: {
    workflowId: string;
    projectId: string;
    workflowName: string;
    spec: WorkflowSpec;
    saveAsNewVersion: boolean;
    creatorId: string;
  },
): Promise<{ versionId: string; spec: WorkflowSpec }> {
  assertValidGraph(heal.spec, inputFieldNames('overrides'));
  await assertResourcesExist(tx, heal.projectId, heal.spec, inputFieldNames('overrides'));
  await assertNoChildCycle(tx, heal.projectId, heal.workflowName, heal.spec, inputFieldNames('overrides'));
  if (heal.saveAsNewVersion) {
    const { workflow } = await workflowsRepository.saveVersion(
      tx,
      heal.projectId,
      heal.workflowName,
      heal.spec,
      heal.creatorId,
    );
    const version = await readWorkflowVersion(tx, { workflowId: heal.workflowId, version: workflow.currentVersion });
    return { versionId: version.id, spec: heal.spec };
  }
  await workflowsRepository.lock(tx, heal.workflowId);
  const number = await workflowsRepository.nextVersion(tx, heal.workflowId);
  const created = await tx.workflowVersion.create({
    data: {
      workflowId: heal.workflowId,
      version: number,
      spec: heal.spec as unknown as Prisma.InputJsonValue,
      createdById: heal.creatorId,
    },
  });
  return { versionId: created.id, spec: heal.spec };
}
