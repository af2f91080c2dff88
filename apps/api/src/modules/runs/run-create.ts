import type { NameValue } from '@cyclone/domain';
import type { WorkflowRun } from '../../generated/prisma/client.js';
import type { Tx } from '../shared/mutation.js';
import { toWorkflowSpec, workflowsRepository } from '../workflows/workflows.repository.js';

/**
 * The one way a run is created (runWorkflow, WorkflowRun documents): under a lock on
 * the workflow row, numbered next, bound to the current version, with a PENDING stage
 * row per stage. The controller takes it from there.
 */
export async function createRunInTx(
  tx: Tx,
  workflowId: string,
  run: { parameters: NameValue[]; timeoutSeconds: number | null; createdById: string; name?: string },
): Promise<WorkflowRun> {
  // Serializes run numbers per workflow and orders the run after a concurrent update.
  await workflowsRepository.lock(tx, workflowId);
  const workflow = await tx.workflow.findUniqueOrThrow({ where: { id: workflowId } });
  const version = await tx.workflowVersion.findUniqueOrThrow({
    where: { workflowId_version: { workflowId, version: workflow.currentVersion } },
  });
  const last = await tx.workflowRun.aggregate({ where: { workflowId }, _max: { number: true } });
  return tx.workflowRun.create({
    data: {
      workflowId,
      versionId: version.id,
      number: (last._max.number ?? 0) + 1,
      name: run.name ?? null,
      parameters: run.parameters,
      timeoutSeconds: run.timeoutSeconds,
      createdById: run.createdById,
      stageRuns: { create: toWorkflowSpec(version.spec).stages.map((stage) => ({ stage: stage.name })) },
    },
  });
}
