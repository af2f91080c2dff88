import type { NameValue } from '@cyclone/domain';
import { notFound } from '../../errors/app-error.js';
import type { Prisma, WorkflowRun } from '../../generated/prisma/client.js';
import type { RunTrigger } from '../../generated/prisma/enums.js';
import type { Tx } from '../shared/mutation.js';
import { toWorkflowSpec } from '../workflows/workflows.repository.js';
import { notifyControllers } from './run-events.js';
import { nextRunNumberInTx, type RunNumbers } from './run-numbers.js';

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
  /** Numbers the run outside the transaction (see RunNumbers); without it, inside. */
  numbers?: RunNumbers;
}

/**
 * The one way a run is created (runWorkflow, WorkflowRun documents, retries): numbered
 * next per workflow, bound to a version, with a stage row per stage (PENDING, or
 * SUCCEEDED when reused). The run is queued until the controller admits it under the
 * concurrency limits; every controller is woken on commit.
 */
export async function createRunInTx(tx: Tx, workflowId: string, run: NewRun): Promise<WorkflowRun> {
  // A key-share lock: waits for a concurrent update or delete of the workflow (which
  // lock it FOR UPDATE), so the run takes the version that update made, yet lets runs
  // of one workflow be created side by side.
  const locked = await tx.$queryRaw<{ current_version: number }[]>`
    SELECT current_version FROM workflows WHERE id = ${workflowId}::uuid FOR KEY SHARE`;
  const workflow = locked[0];
  if (!workflow) throw notFound('workflow');
  const version = run.versionId
    ? await tx.workflowVersion.findUniqueOrThrow({ where: { id: run.versionId } })
    : await tx.workflowVersion.findUniqueOrThrow({
        where: { workflowId_version: { workflowId, version: workflow.current_version } },
      });
  const number = run.numbers ? await run.numbers.next(tx, workflowId) : await nextRunNumberInTx(tx, workflowId);
  const stages = toWorkflowSpec(version.spec).stages.map((stage) => {
    const reused = run.reusedStages?.get(stage.name);
    return reused ? { stage: stage.name, phase: 'SUCCEEDED' as const, ...reused } : { stage: stage.name };
  });
  const created = await tx.workflowRun.create({
    data: {
      workflowId,
      versionId: version.id,
      number,
      name: run.name ?? null,
      parameters: run.parameters,
      timeoutSeconds: run.timeoutSeconds,
      createdById: run.createdById,
      trigger: run.trigger ?? 'MANUAL',
      triggerId: run.triggerId ?? null,
      retryOfId: run.retryOfId ?? null,
      stageRuns: { createMany: { data: stages } },
    },
  });
  await notifyControllers(tx, created.id);
  return created;
}
