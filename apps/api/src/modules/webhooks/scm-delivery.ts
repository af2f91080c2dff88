import { nameValueSchema } from '@cyclone/domain';
import { z } from 'zod';
import { notifyControllers, notifyRunChanged } from '../../db/notification-hub.js';
import type { Db } from '../../db/prisma.js';
import type { Integration, Prisma } from '../../generated/prisma/client.js';
import type { Logger } from '../../logging/logger.js';
import type { SecretBox } from '../integrations/secret-box.js';
import {
  describeRefused,
  type PlannedRun,
  planRevisionRuns,
  postRefusedStatuses,
  type RefusedRun,
  type RevisionTrigger,
} from '../pipelines/revision-pipelines.js';
import { PIPELINE_FILE, saveRevisionVersion } from '../pipelines/revision-workflow.js';
import { createRunInTx, lockTenantQueue } from '../runs/run-create.js';
import { createScmProvider } from '../scm/create-provider.js';
import type { Tx } from '../shared/mutation.js';
import { keepPermittedCommenters } from './comment-permission.js';
import { keptPayload, prunePayloads } from './delivery-payload.js';
import { type DeliveryResult, findDelivery, recordDelivery, replay } from './delivery-records.js';
import { approvalReasonOf } from './event-trust.rules.js';
import { matchesTrigger, runParameters, type ScmTriggerSettings } from './match-triggers.js';
import type { ScmEvent } from './scm-event.js';
import {
  deliveryIdOf,
  eventOf,
  type Headers,
  isAuthentic,
  isWebhookType,
  normalizeDelivery,
} from './webhook-request.js';

const ACTIVE_PHASES = ['PENDING', 'RUNNING', 'WAITING'] as const;
export const storedSpecSchema = z.object({
  scm: z.object({
    repo: z.string(),
    push: z.object({ branches: z.array(z.string()) }).optional(),
    tagRelease: z.boolean().optional(),
    pullRequest: z.object({ branches: z.array(z.string()) }).optional(),
    pullRequestComment: z.object({ comments: z.array(z.string()), users: z.array(z.string()).default([]) }).optional(),
    workflowFromRevision: z.boolean().default(false),
  }),
  parameters: z.array(nameValueSchema).default([]),
});

interface MatchedTrigger extends RevisionTrigger {
  scm: ScmTriggerSettings;
  parameters: { name: string; value: string }[];
}

export interface WebhookDeps {
  db: Db;
  logger: Logger;
  box: SecretBox;
  /** For links in commit statuses posted here (pipeline files that start no run). */
  publicUrl?: string;
  onRunChanged?: (runId: string) => void;
  /** Deliveries of an integration that keep their payload, newest first (CYCLONE_RUN_RETENTION). */
  payloadsKept?: number;
}

/** A verified delivery to act on: as received, or replayed from its kept payload. */
export interface VerifiedDelivery {
  deliveryId: string;
  event: string;
  payload: Record<string, unknown>;
}

const DEFAULT_PAYLOADS_KEPT = 100;

/**
 * POST /webhooks/<integration-id>: verify, record, normalize, match the
 * integration's SCM triggers and start their runs — all runs of one delivery and
 * the delivery record in one transaction, so a redelivery finds either everything
 * or nothing.
 */
export async function handleScmDelivery(
  deps: WebhookDeps,
  integrationId: string,
  headers: Headers,
  body: Buffer | undefined,
): Promise<DeliveryResult> {
  const integration = /^[0-9a-f-]{36}$/i.test(integrationId)
    ? await deps.db.integration.findUnique({ where: { id: integrationId } })
    : null;
  if (!integration || !isWebhookType(integration.type)) {
    return { status: 404, body: { outcome: 'NOT_FOUND', reason: 'no SCM integration with this id', runs: [] } };
  }
  const scope = { integrationId: integration.id };
  const event = eventOf(integration.type, headers);
  const reject = (statusCode: number, reason: string) =>
    recordDelivery(deps.db, scope, { outcome: 'REJECTED', statusCode, reason, event });
  if (!body) return reject(413, 'the payload is larger than 1 MB');
  const secret = deps.box.openJson(integration.secretCiphertext);
  if (!secret.webhookSecret) return reject(401, 'the integration has no webhookSecret, so no delivery can be verified');
  if (!isAuthentic(integration.type, headers, body, secret.webhookSecret)) {
    return reject(401, 'the signature or token is missing or does not match the webhookSecret');
  }
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(body.toString('utf8'));
    if (typeof payload !== 'object' || payload === null) throw new Error('not an object');
  } catch {
    return reject(400, 'the body is not a JSON object');
  }

  const deliveryId = deliveryIdOf(integration.type, headers, body);
  const earlier = await findDelivery(deps.db, scope, deliveryId);
  if (earlier) return replay(earlier);
  return processDelivery(deps, integration, secret, { deliveryId, event, payload });
}

/**
 * Normalizes a verified delivery, matches the integration's SCM triggers and starts
 * their runs, recording the delivery with its kept payload (under `deliveryId`).
 */
export async function processDelivery(
  deps: WebhookDeps,
  integration: Integration,
  secret: Record<string, string>,
  delivery: VerifiedDelivery,
): Promise<DeliveryResult> {
  const payload = keptPayload(delivery.payload);
  const result = await matchAndStart(deps, integration, secret, delivery, payload);
  await prunePayloads(deps.db, integration.id, deps.payloadsKept ?? DEFAULT_PAYLOADS_KEPT);
  return result;
}

/** Acts on a delivery and records it once (see processDelivery). */
async function matchAndStart(
  deps: WebhookDeps,
  integration: Integration,
  secret: Record<string, string>,
  delivery: VerifiedDelivery,
  payload: ReturnType<typeof keptPayload>,
): Promise<DeliveryResult> {
  const { deliveryId, event } = delivery;
  const scope = { integrationId: integration.id };
  const normalized = normalizeDelivery(integration.type, event, delivery.payload);
  if (normalized.events.length === 0) {
    const reason = normalized.ignoredReason ?? 'nothing to do';
    return recordDelivery(deps.db, scope, { outcome: 'IGNORED', statusCode: 200, reason, event, deliveryId, payload });
  }
  const triggers = await loadScmTriggers(deps.db, integration.id);
  const matched = normalized.events.flatMap((e) =>
    triggers.filter((t) => matchesTrigger(t.scm, e)).map((t) => ({ trigger: t, event: e })),
  );
  let matches: typeof matched;
  let commentRefusals: string[];
  try {
    ({ kept: matches, refused: commentRefusals } = await keepPermittedCommenters(integration, secret, matched));
  } catch (error) {
    // Not recorded under the delivery id, so the server's redelivery tries again.
    const reason = `could not ask the server whether the commenter may start runs: ${(error as Error).message}`;
    return recordDelivery(deps.db, scope, { outcome: 'FAILED', statusCode: 502, reason, event, payload });
  }
  try {
    await fillCommentShas(
      integration,
      secret,
      matches.map((m) => m.event),
    );
  } catch (error) {
    // Not recorded under the delivery id, so the server's redelivery tries again.
    const reason = `could not read the pull request's head commit: ${(error as Error).message}`;
    return recordDelivery(deps.db, scope, { outcome: 'FAILED', statusCode: 502, reason, event, payload });
  }
  let plan: Awaited<ReturnType<typeof planRevisionRuns<MatchedTrigger>>>;
  try {
    plan = await planRevisionRuns(deps.db, integration, secret, matches);
  } catch (error) {
    const reason = `could not read ${PIPELINE_FILE} at the pushed revision: ${(error as Error).message}`;
    return recordDelivery(deps.db, scope, { outcome: 'FAILED', statusCode: 502, reason, event, payload });
  }
  const result = await startRuns(deps, integration, {
    deliveryId,
    event,
    payload,
    matches: plan.planned,
    refused: plan.refused,
    commentRefusals,
  });
  if (!result.body.replayed) await postRefusedStatuses(deps, integration, secret, plan.refused);
  return result;
}

async function startRuns(
  deps: WebhookDeps,
  integration: Integration,
  delivery: {
    deliveryId: string;
    event: string;
    payload: Prisma.InputJsonValue | undefined;
    matches: PlannedRun<MatchedTrigger>[];
    refused: RefusedRun<MatchedTrigger>[];
    /** Comment triggers whose commenter may not start runs. */
    commentRefusals: string[];
  },
): Promise<DeliveryResult> {
  const scope = { integrationId: integration.id };
  const waiting = delivery.matches.filter((m) => approvalReasonOf(m.event) !== undefined).length;
  const isNothing =
    delivery.matches.length === 0 && delivery.refused.length === 0 && delivery.commentRefusals.length === 0;
  const reason = [
    isNothing
      ? 'no enabled SCM trigger of this integration matches'
      : `started ${delivery.matches.length} run(s)${waiting > 0 ? `, ${waiting} waiting for a member's approval` : ''}`,
    ...(delivery.refused.length > 0 ? [describeRefused(delivery.refused)] : []),
    ...delivery.commentRefusals,
  ]
    .join('; ')
    .slice(0, 1000);
  let started: { runIds: string[]; cancelled: string[] };
  try {
    started = await deps.db.$transaction(async (tx) => {
      // Several runs in one transaction take the queue's turn first (see lockTenantQueue).
      if (delivery.matches.length > 1) await lockTenantQueue(tx, integration.tenantId);
      const row = await tx.webhookDelivery.create({
        data: {
          ...scope,
          deliveryId: delivery.deliveryId,
          event: delivery.event,
          outcome: 'ACCEPTED',
          statusCode: 200,
          reason,
          runIds: [],
          payload: delivery.payload,
        },
      });
      const runIds: string[] = [];
      const cancelled: string[] = [];
      for (const { trigger, event, revisionSpec } of delivery.matches) {
        if (event.kind === 'pull_request')
          cancelled.push(...(await cancelSupersededRuns(tx, integration.id, trigger, event)));
        const versionId = revisionSpec
          ? await saveRevisionVersion(tx, trigger.workflowId, revisionSpec, { repo: event.repo, revision: event.sha })
          : undefined;
        const run = await createRunInTx(tx, trigger.workflowId, {
          versionId,
          parameters: runParameters(trigger.parameters, event),
          timeoutSeconds: null,
          createdById: null,
          trigger: 'SCM',
          triggerId: trigger.id,
          // A fork's pull request, or one by a non-member: nothing starts (no secret is opened) until approved.
          approvalReason: approvalReasonOf(event),
        });
        await tx.scmRunStatus.create({
          data: {
            runId: run.id,
            integrationId: integration.id,
            repo: event.repo,
            sha: event.sha,
            ref: event.ref,
            pullRequest: event.pullRequest?.number ?? null,
          },
        });
        await notifyRunChanged(tx, run.id);
        runIds.push(run.id);
      }
      await tx.webhookDelivery.update({ where: { id: row.id }, data: { runIds } });
      return { runIds, cancelled };
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') {
      const earlier = await findDelivery(deps.db, scope, delivery.deliveryId);
      if (earlier) return replay(earlier);
    }
    throw error;
  }
  for (const id of [...started.cancelled, ...started.runIds]) deps.onRunChanged?.(id);
  deps.logger.info(
    {
      integration: integration.id,
      deliveryId: delivery.deliveryId,
      runs: started.runIds,
      cancelled: started.cancelled,
    },
    'webhook delivery started runs',
  );
  return { status: 200, body: { outcome: 'ACCEPTED', reason, runs: started.runIds } };
}

/** A newer commit on a pull request makes the workflow's still-active runs of it moot. */
async function cancelSupersededRuns(
  tx: Tx,
  integrationId: string,
  trigger: MatchedTrigger,
  event: ScmEvent,
): Promise<string[]> {
  const stale = await tx.workflowRun.findMany({
    where: {
      workflowId: trigger.workflowId,
      phase: { in: [...ACTIVE_PHASES] },
      stopRequestedAt: null,
      scmStatus: {
        is: {
          integrationId,
          repo: { equals: event.repo, mode: 'insensitive' },
          pullRequest: event.pullRequest?.number ?? -1,
        },
      },
    },
    select: { id: true },
  });
  if (stale.length === 0) return [];
  const ids = stale.map((r) => r.id);
  await tx.workflowRun.updateMany({ where: { id: { in: ids } }, data: { stopRequestedAt: new Date() } });
  for (const id of ids) {
    await notifyRunChanged(tx, id);
    await notifyControllers(tx, id);
  }
  return ids;
}

export async function loadScmTriggers(db: Db, integrationId: string): Promise<MatchedTrigger[]> {
  const rows = await db.workflowTrigger.findMany({
    where: { type: 'SCM', isEnabled: true, spec: { path: ['scm', 'integrationId'], equals: integrationId } },
    orderBy: { createdAt: 'asc' },
    include: { workflow: { select: { name: true, projectId: true, project: { select: { name: true } } } } },
  });
  return rows.flatMap((row) => {
    const parsed = storedSpecSchema.safeParse(row.spec);
    if (!parsed.success) return [];
    return [
      {
        id: row.id,
        name: row.name,
        workflowId: row.workflowId,
        workflowName: row.workflow.name,
        projectId: row.workflow.projectId,
        projectName: row.workflow.project.name,
        workflowFromRevision: parsed.data.scm.workflowFromRevision,
        scm: parsed.data.scm,
        parameters: parsed.data.parameters,
      },
    ];
  });
}

/** GitHub comment payloads carry no commit: ask the server for the pull request's head. */
async function fillCommentShas(integration: Integration, secret: Record<string, string>, events: ScmEvent[]) {
  const missing = events.filter((e) => e.kind === 'pull_request_comment' && !e.sha && e.pullRequest);
  if (missing.length === 0) return;
  const provider = createScmProvider({ type: integration.type, config: integration.config, secret });
  for (const event of missing) {
    event.sha = await provider.getPullRequestHeadSha(event.repo, event.pullRequest?.number ?? 0);
  }
}
