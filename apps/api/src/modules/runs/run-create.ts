import type { NameValue } from '@cyclone/domain';
import type { Prisma, WorkflowRun } from '../../generated/prisma/client.js';
import type { RunTrigger } from '../../generated/prisma/enums.js';
import type { Tx } from '../shared/mutation.js';
import { toWorkflowSpec, workflowsRepository } from '../workflows/workflows.repository.js';
import { notifyControllers } from './run-events.js';

/** A stage a retry takes over from its original run as it ended there. */
export interface ReusedStage {
  attempt: number;
  exitCode: number | null;
  outputs: Prisma.InputJsonValue;
  startedAt: Date | null;
  finishedAt: Date | null;
  message: string;
}

export interface NewRun {
  parameters: NameValue[];
  timeoutSeconds: number | null;
  createdById: string | null;
  name?: string;
  /** What started the run (MANUAL when unset) and, for triggered runs, which trigger. */
  trigger?: RunTrigger;
  triggerId?: string | null;
  /** A retry runs the version of its original run; others the workflow's current one. */
  versionId?: string;
  retryOfId?: string;
  /** Stages copied as SUCCEEDED instead of run (retries). */
  reusedStages?: ReadonlyMap<string, ReusedStage>;
}

/**
 * The one way a run is created (runWorkflow, WorkflowRun documents, retries): under a
 * lock on the workflow row, numbered next, bound to a version, with a stage row per
 * stage (PENDING, or SUCCEEDED when reused). The run is queued until the controller
 * admits it under the concurrency limits; every controller is woken on commit.
 */
export async function createRunInTx(tx: Tx, workflowId: string, run: NewRun): Promise<WorkflowRun> {
  // Serializes run numbers per workflow and orders the run after a concurrent update.
  await workflowsRepository.lock(tx, workflowId);
  const workflow = await tx.workflow.findUniqueOrThrow({ where: { id: workflowId } });
  const version = run.versionId
    ? await tx.workflowVersion.findUniqueOrThrow({ where: { id: run.versionId } })
    : await tx.workflowVersion.findUniqueOrThrow({
        where: { workflowId_version: { workflowId, version: workflow.currentVersion } },
      });
  const last = await tx.workflowRun.aggregate({ where: { workflowId }, _max: { number: true } });
  const stages = toWorkflowSpec(version.spec).stages.map((stage) => {
    const reused = run.reusedStages?.get(stage.name);
    return reused ? { stage: stage.name, phase: 'SUCCEEDED' as const, ...reused } : { stage: stage.name };
  });
  const created = await tx.workflowRun.create({
    data: {
      workflowId,
      versionId: version.id,
      number: (last._max.number ?? 0) + 1,
      name: run.name ?? null,
      parameters: run.parameters,
      timeoutSeconds: run.timeoutSeconds,
      createdById: run.createdById,
      trigger: run.trigger ?? 'MANUAL',
      triggerId: run.triggerId ?? null,
      retryOfId: run.retryOfId ?? null,
      stageRuns: { create: stages },
    },
  });
  await notifyControllers(tx, created.id);
  return created;
}
