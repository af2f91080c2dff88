import { approversText, LIMITS, mayDecideApproval, type StageApproval } from '@cyclone/domain';
import { z } from 'zod';
import { notifyControllers, notifyRunChanged } from '../../db/notification-hub.js';
import type { Db } from '../../db/prisma.js';
import { badInput, conflict, forbidden, notFound } from '../../errors/app-error.js';
import type { WorkflowRun } from '../../generated/prisma/client.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { runMutation, type Tx } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { readWorkflowVersion } from '../workflows/workflow-versions.js';
import { requireRun } from './run-access.js';

const decisionSchema = z.object({
  runId: z.string(),
  stage: z.string().min(1).max(253),
  comment: z.string().max(LIMITS.stringLength).nullish(),
  inputs: z
    .array(z.object({ name: z.string().min(1).max(63), value: z.string().max(LIMITS.longTextLength) }))
    .max(LIMITS.listItems)
    .nullish(),
});
export type StageDecisionInput = z.input<typeof decisionSchema>;

/**
 * approveStage and rejectStage: one member's decision on an approval gate's current
 * attempt, recorded with the run's row locked; the controller's next pass (woken on
 * commit) ends the gate from the decisions (packages/dag/src/approval.ts).
 */
export class StageApprovalService {
  constructor(private readonly deps: { db: Db; logger: Logger }) {}

  approveStage(actor: AuthUser, input: StageDecisionInput): Promise<WorkflowRun> {
    return this.decide(actor, input, 'APPROVE');
  }

  rejectStage(actor: AuthUser, input: StageDecisionInput): Promise<WorkflowRun> {
    return this.decide(actor, input, 'REJECT');
  }

  private decide(actor: AuthUser, input: StageDecisionInput, decision: 'APPROVE' | 'REJECT'): Promise<WorkflowRun> {
    const action = decision === 'APPROVE' ? 'workflowRun.approveStage' : 'workflowRun.rejectStage';
    const subject = { action, objectType: 'WorkflowRun', objectName: `${input.runId}/${input.stage}` };
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const parsed = parseInput(decisionSchema, input);
      const found = await requireRun(tx, actor, parsed.runId, 'VIEWER');
      audited.tenantId = found.tenantId;
      const where = `stage "${parsed.stage}" of run ${found.workflowName}#${found.run.number}`;
      audited.objectName = `${found.workflowName}#${found.run.number}/${parsed.stage}`;
      await tx.$queryRaw`SELECT 1 FROM workflow_runs WHERE id = ${found.run.id}::uuid FOR UPDATE`;
      const approval = await gateOf(tx, found.run.versionId, parsed.stage, where);
      if (!mayDecideApproval(approval, { role: found.role, email: actor.email })) {
        throw forbidden(`only ${approversText(approval)} may decide ${where}; you are ${found.role}`);
      }
      const row = await tx.stageRun.findUnique({
        where: { runId_stage: { runId: found.run.id, stage: parsed.stage } },
      });
      if (row?.phase !== 'WAITING') {
        throw conflict(`${where} is not waiting for a decision: it is ${row?.phase ?? 'PENDING'}`);
      }
      const earlier = await tx.stageApproval.findUnique({
        where: {
          runId_stage_attempt_userId: {
            runId: found.run.id,
            stage: parsed.stage,
            attempt: row.attempt,
            userId: actor.id,
          },
        },
      });
      if (earlier) {
        throw conflict(`you already ${earlier.decision === 'APPROVE' ? 'approved' : 'rejected'} ${where}`);
      }
      const inputs = decision === 'APPROVE' ? checkInputs(approval, parsed.inputs ?? []) : noInputs(parsed.inputs);
      await tx.stageApproval.create({
        data: {
          runId: found.run.id,
          stage: parsed.stage,
          attempt: row.attempt,
          userId: actor.id,
          userEmail: actor.email,
          decision,
          comment: parsed.comment?.trim() ?? '',
          inputs,
        },
      });
      await notifyRunChanged(tx, found.run.id);
      await notifyControllers(tx, found.run.id);
      return found.run;
    });
  }
}

/** The approval settings of the run's stage: NOT_FOUND for no such stage, BAD_USER_INPUT for one that is no gate. */
async function gateOf(tx: Tx, versionId: string, stage: string, where: string): Promise<StageApproval> {
  const { spec } = await readWorkflowVersion(tx, { id: versionId });
  const found = spec.stages.find((candidate) => candidate.name === stage);
  if (!found) throw notFound(where);
  if (!found.approval) throw badInput('stage', `${where} is not an approval stage`);
  return found.approval;
}

/** An approval's inputs: only the gate's, each once, every required one given. */
function checkInputs(approval: StageApproval, given: readonly { name: string; value: string }[]) {
  const names = new Set(approval.inputs.map((input) => input.name));
  const seen = new Set<string>();
  for (const input of given) {
    if (!names.has(input.name)) {
      const known = [...names].join(', ') || 'none';
      throw badInput('inputs', `"${input.name}" is not an input of this stage (its inputs: ${known})`);
    }
    if (seen.has(input.name)) throw badInput('inputs', `"${input.name}" is given twice`);
    seen.add(input.name);
  }
  const missing = approval.inputs.find(
    (input) => input.required && !given.some((g) => g.name === input.name && g.value !== ''),
  );
  if (missing) throw badInput('inputs', `"${missing.name}" is required`);
  return given.map((input) => ({ name: input.name, value: input.value }));
}

function noInputs(given: readonly unknown[] | null | undefined) {
  if (given && given.length > 0) throw badInput('inputs', 'a rejection takes no inputs');
  return [];
}
