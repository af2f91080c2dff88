import type { StageDelegation, WorkflowStage } from '@cyclone/domain';
import type { SqlTx } from '../db/sql-tx.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import { outboundRequest, statusText } from '../modules/outbound/outbound-http.js';
import { delegationHandleOf, newDelegationToken } from '../modules/runs/delegation-handle.js';
import { delegationSigningKey } from '../modules/runs/delegation-signing.js';
import { signBody } from '../modules/webhooks/verify-signature.js';
import { claimHandOff, type LockedRun } from './reconcile-store.js';

/**
 * Delegated stages (`delegation: {type, url, config}`, the original Cyclone's): the
 * controller's part, no executor involved. Starting an attempt claims it, keeps the
 * hash of a new callback token as its handle, makes it WAITING and POSTs the work to
 * the delegation's URL (through the outbound policy, signed); the external system ends
 * the attempt through `POST /delegations/<token>` (or a member through
 * completeDelegatedStage). An answer other than 2xx, or none, fails the attempt: its
 * retries hand the work over again, each with a new token.
 */

export interface DelegationSettings {
  /** Where the API is reached from outside: the callback URL starts with it. */
  publicUrl: string;
  /** The POST's whole exchange. */
  timeoutMs: number;
}

export const DEFAULT_DELEGATION_TIMEOUT_MS = 10_000;

/** What the external system receives (JSON), besides the signature header. */
export interface DelegationRequest {
  type: string;
  stage: string;
  workflow: string;
  /** `<workflow>-<number>`: the run's name. */
  workflowrun: string;
  tenant: string;
  project: string;
  run: { id: string; number: number };
  attempt: number;
  config: unknown;
  callback: { url: string; token: string };
}

/**
 * Claims the attempt and hands its work over. Returns the attempt's handle; null when
 * the attempt was claimed elsewhere; undefined when the hand-over failed (the attempt
 * then failed, with why).
 */
export async function startDelegation(
  tx: SqlTx,
  settings: DelegationSettings,
  box: SecretBox | undefined,
  run: LockedRun,
  stage: WorkflowStage & { delegation: StageDelegation },
  attempt: number,
  now: Date,
): Promise<string | null | undefined> {
  const failClaimed = await claimHandOff(tx, run.id, stage.name, attempt, now);
  if (!failClaimed) return null;
  const fail = (message: string) => failClaimed({ message, finishedAt: new Date(), handle: null });
  const token = newDelegationToken();
  const handle = delegationHandleOf(token);
  const { delegation } = stage;
  const target = new URL(delegation.url);
  const handedOver = `handed over to ${delegation.type} at ${target.origin}`;
  await tx.$executeRaw`
    UPDATE stage_runs SET phase = 'WAITING', handle = ${handle}, message = ${handedOver}
    WHERE run_id = ${run.id}::uuid AND stage = ${stage.name} AND attempt = ${attempt}::int`;
  if (!box) return fail('could not hand the work over: no encryption key is configured to sign it');
  const names = await namesOf(tx, run.id);
  const request: DelegationRequest = {
    type: delegation.type,
    stage: stage.name,
    workflow: names.workflow,
    workflowrun: `${names.workflow}-${names.number}`,
    tenant: names.tenant,
    project: names.project,
    run: { id: run.id, number: names.number },
    attempt,
    config: delegation.config ?? null,
    callback: { url: `${settings.publicUrl}/delegations/${token}`, token },
  };
  const body = JSON.stringify(request);
  try {
    const answer = await outboundRequest(delegation.url, {
      method: 'POST',
      body,
      timeoutMs: settings.timeoutMs,
      maxBytes: 4096,
      headers: {
        'content-type': 'application/json',
        'x-cyclone-event': 'stage.delegated',
        'x-cyclone-signature-256': signBody(body, delegationSigningKey(box, names.tenantId)),
      },
    });
    if (answer.status < 200 || answer.status > 299) {
      return fail(`could not hand the work over: ${target.origin} answered ${statusText(answer.status)}`);
    }
  } catch (error) {
    return fail(`could not hand the work over: ${(error as Error).message}`);
  }
  return handle;
}

async function namesOf(tx: SqlTx, runId: string) {
  const [row] = await tx.$queryRaw<
    { tenant: string; tenant_id: string; project: string; workflow: string; number: number }[]
  >`
    SELECT t.name AS tenant, t.id AS tenant_id, p.name AS project, w.name AS workflow, r.number
    FROM workflow_runs r JOIN workflows w ON w.id = r.workflow_id JOIN projects p ON p.id = w.project_id
    JOIN tenants t ON t.id = p.tenant_id
    WHERE r.id = ${runId}::uuid`;
  if (!row) throw new Error(`run ${runId} has no workflow`);
  return {
    tenant: row.tenant,
    tenantId: row.tenant_id,
    project: row.project,
    workflow: row.workflow,
    number: row.number,
  };
}
