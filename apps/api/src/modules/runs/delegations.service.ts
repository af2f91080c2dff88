import { LIMITS } from '@cyclone/domain';
import { z } from 'zod';
import { notifyControllers, notifyRunChanged } from '../../db/notification-hub.js';
import type { Db } from '../../db/prisma.js';
import { badInput, conflict, notFound } from '../../errors/app-error.js';
import type { WorkflowRun } from '../../generated/prisma/client.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { requireTenantRole } from '../shared/access.js';
import { runMutation, type Tx } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { readWorkflowVersion } from '../workflows/workflow-versions.js';
import { delegationHandleOf } from './delegation-handle.js';
import { delegationSigningKey } from './delegation-signing.js';
import { requireRun } from './run-access.js';

/** What ends a delegated stage's attempt: the callback's JSON body, or completeDelegatedStage's input. */
const outcomeSchema = z.object({
  phase: z.enum(['SUCCEEDED', 'FAILED']),
  outputs: z
    .array(
      z.object({
        key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,252}$/, {
          message: 'must be a key: a letter or _, then letters, digits, _ . -',
        }),
        value: z.string().max(LIMITS.longTextLength),
      }),
    )
    .max(LIMITS.listItems)
    .nullish(),
  message: z.string().max(LIMITS.stringLength).nullish(),
});
export type DelegationOutcome = z.input<typeof outcomeSchema>;

const completeSchema = outcomeSchema.extend({ runId: z.string(), stage: z.string().min(1).max(253) });
export type CompleteDelegatedStageInput = z.input<typeof completeSchema>;

/** The answer to a callback: `status` and a JSON body. */
export interface CallbackAnswer {
  status: number;
  body: { outcome: 'COMPLETED' | 'REFUSED'; reason?: string; run?: string; stage?: string; phase?: string };
}

/**
 * How delegated stages end (controller/delegations.ts hands their work over): the
 * external system's callback with the token it was given, which works once and only
 * for the attempt it was made for; or a DEVELOPER's completeDelegatedStage. Either ends
 * the waiting attempt in one statement with the run's row locked and wakes the controller.
 */
export class DelegationsService {
  constructor(private readonly deps: { db: Db; logger: Logger; box: SecretBox }) {}

  /** `POST /delegations/<token>`: no session, the token is the credential. */
  async callback(token: string, body: unknown): Promise<CallbackAnswer> {
    const parsed = outcomeSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'body';
      return refused(400, `${where}: ${issue?.message ?? 'invalid'}`);
    }
    const handle = delegationHandleOf(token);
    return this.deps.db.$transaction(async (tx) => {
      const row = await tx.stageRun.findFirst({ where: { handle }, select: { runId: true, stage: true } });
      // Unknown, used or from an earlier attempt: the same answer, so a token tells nothing.
      if (!row) return refused(404, 'no delegated stage waits for this token');
      await lockRun(tx, row.runId);
      const ended = await endAttempt(tx, { ...row, handle }, parsed.data);
      if (!ended) return refused(404, 'no delegated stage waits for this token');
      const run = await tx.workflowRun.findUniqueOrThrow({ where: { id: row.runId }, select: { number: true } });
      return {
        status: 200,
        body: { outcome: 'COMPLETED', run: String(run.number), stage: row.stage, phase: parsed.data.phase },
      };
    });
  }

  /** completeDelegatedStage: a member ends a waiting delegated stage as the external system would. */
  complete(actor: AuthUser, input: CompleteDelegatedStageInput): Promise<WorkflowRun> {
    const subject = {
      action: 'workflowRun.completeDelegatedStage',
      objectType: 'WorkflowRun',
      objectName: `${input.runId}/${input.stage}`,
    };
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const parsed = parseInput(completeSchema, input);
      const found = await requireRun(tx, actor, parsed.runId, 'DEVELOPER');
      audited.tenantId = found.tenantId;
      audited.objectName = `${found.workflowName}#${found.run.number}/${parsed.stage}`;
      const where = `stage "${parsed.stage}" of run ${found.workflowName}#${found.run.number}`;
      await lockRun(tx, found.run.id);
      const { spec } = await readWorkflowVersion(tx, { id: found.run.versionId });
      const stage = spec.stages.find((candidate) => candidate.name === parsed.stage);
      if (!stage) throw notFound(where);
      if (!stage.delegation) throw badInput('stage', `${where} is not a delegated stage`);
      const row = await tx.stageRun.findUnique({
        where: { runId_stage: { runId: found.run.id, stage: parsed.stage } },
        select: { phase: true, handle: true },
      });
      const message = parsed.message?.trim() ? `: ${parsed.message.trim()}` : '';
      const ended =
        row?.phase === 'WAITING' &&
        row.handle !== null &&
        (await endAttempt(
          tx,
          { runId: found.run.id, stage: parsed.stage, handle: row.handle },
          { ...parsed, message: `completed by ${actor.email}${message}` },
        ));
      if (!ended) throw conflict(`${where} is not waiting for its delegation: it is ${row?.phase ?? 'PENDING'}`);
      return found.run;
    });
  }

  /** The key X-Cyclone-Signature-256 of the tenant's delegation requests is made with; ADMIN and above. */
  async signingKey(actor: AuthUser, tenant: string): Promise<string> {
    const access = await this.deps.db.$transaction((tx) => requireTenantRole(tx, actor, tenant, 'ADMIN'));
    return delegationSigningKey(this.deps.box, access.tenant.id);
  }
}

function refused(status: number, reason: string): CallbackAnswer {
  return { status, body: { outcome: 'REFUSED', reason } };
}

async function lockRun(tx: Tx, runId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM workflow_runs WHERE id = ${runId}::uuid FOR UPDATE`;
}

/** Ends the attempt still WAITING on this handle; false when there is none (ended, retried, another token). */
async function endAttempt(
  tx: Tx,
  attempt: { runId: string; stage: string; handle: string },
  outcome: z.output<typeof outcomeSchema>,
): Promise<boolean> {
  const ended = await tx.stageRun.updateMany({
    where: { runId: attempt.runId, stage: attempt.stage, handle: attempt.handle, phase: 'WAITING' },
    data: {
      phase: outcome.phase,
      finishedAt: new Date(),
      exitCode: null,
      message: outcome.message?.trim() || (outcome.phase === 'FAILED' ? 'the delegation reported a failure' : ''),
      outputs: outcome.phase === 'SUCCEEDED' ? (outcome.outputs ?? []) : [],
    },
  });
  if (ended.count === 0) return false;
  await notifyRunChanged(tx, attempt.runId);
  await notifyControllers(tx, attempt.runId);
  return true;
}
