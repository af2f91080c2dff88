import { LIMITS, nameValueSchema } from '@cyclone/domain';
import { z } from 'zod';
import { notifyRunChanged } from '../../db/notification-hub.js';
import type { AuthUser, IdentityService } from '../identity/identity.service.js';
import { createRunInTx } from '../runs/run-create.js';
import { hasRole } from '../shared/roles.js';
import { type DeliveryResult, findDelivery, recordDelivery, replay } from './delivery-records.js';
import type { WebhookDeps } from './scm-delivery.js';
import type { Headers } from './webhook-request.js';

const bodySchema = z.object({ parameters: z.array(nameValueSchema).max(LIMITS.listItems).default([]) }).strict();
const storedSchema = z.object({ parameters: z.array(nameValueSchema).default([]) }).passthrough();

/**
 * POST /webhooks/triggers/<trigger-id> starts a run of a WEBHOOK trigger's workflow.
 * The caller signs in like any API client (`Authorization: Bearer <API token>`) and
 * needs the DEVELOPER role in the trigger's tenant; the optional JSON body
 * `{parameters: [{name, value}]}` overrides the trigger's parameters, and an
 * `X-Cyclone-Delivery` id makes retries idempotent.
 */
export async function handleTriggerDelivery(
  deps: WebhookDeps & { identity: Pick<IdentityService, 'authenticate'> },
  triggerId: string,
  headers: Headers,
  body: Buffer | undefined,
): Promise<DeliveryResult> {
  const notFoundResult: DeliveryResult = {
    status: 404,
    body: { outcome: 'NOT_FOUND', reason: 'no WEBHOOK trigger with this id', runs: [] },
  };
  let user: AuthUser | undefined;
  try {
    user = await deps.identity.authenticate(headers.authorization);
  } catch {
    user = undefined;
  }
  if (!user) {
    return {
      status: 401,
      body: { outcome: 'REJECTED', reason: 'sign in with Authorization: Bearer <API token>', runs: [] },
    };
  }
  const trigger = /^[0-9a-f-]{36}$/i.test(triggerId)
    ? await deps.db.workflowTrigger.findUnique({
        where: { id: triggerId },
        include: { workflow: { select: { project: { select: { tenantId: true } } } } },
      })
    : null;
  if (trigger?.type !== 'WEBHOOK') return notFoundResult;
  const membership = await deps.db.membership.findUnique({
    where: { tenantId_userId: { tenantId: trigger.workflow.project.tenantId, userId: user.id } },
  });
  const role = user.isAdmin ? 'OWNER' : membership?.role;
  if (!role) return notFoundResult;
  const scope = { triggerId: trigger.id };
  const reject = (statusCode: number, reason: string) =>
    recordDelivery(deps.db, scope, { outcome: 'REJECTED', statusCode, reason, event: 'webhook' });
  if (!hasRole(role, 'DEVELOPER'))
    return reject(403, `starting runs needs the DEVELOPER role; ${user.email} is ${role}`);
  if (!body) return reject(413, 'the payload is larger than 1 MB');
  if (!trigger.isEnabled) return reject(409, 'the trigger is disabled');
  let parameters: { name: string; value: string }[] = [];
  if (body.length > 0) {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return reject(400, 'the body is not JSON');
    }
    const parsed = bodySchema.safeParse(json);
    if (!parsed.success)
      return reject(400, `the body must be {"parameters": [{"name", "value"}]}: ${parsed.error.issues[0]?.message}`);
    parameters = parsed.data.parameters;
  }
  const deliveryId = headers['x-cyclone-delivery']?.trim().slice(0, 200) || undefined;
  if (deliveryId) {
    const earlier = await findDelivery(deps.db, scope, deliveryId);
    if (earlier) return replay(earlier);
  }
  const merged = new Map(storedSchema.parse(trigger.spec).parameters.map((p) => [p.name, p.value]));
  for (const p of parameters) merged.set(p.name, p.value);
  try {
    const run = await deps.db.$transaction(async (tx) => {
      const created = await createRunInTx(tx, trigger.workflowId, {
        parameters: [...merged].map(([name, value]) => ({ name, value })),
        timeoutSeconds: null,
        createdById: user.id,
        trigger: 'WEBHOOK',
        triggerId: trigger.id,
      });
      await tx.webhookDelivery.create({
        data: {
          ...scope,
          deliveryId: deliveryId ?? null,
          event: 'webhook',
          outcome: 'ACCEPTED',
          statusCode: 200,
          reason: `started run #${created.number}`,
          runIds: [created.id],
        },
      });
      await notifyRunChanged(tx, created.id);
      return created;
    });
    deps.onRunChanged?.(run.id);
    return { status: 200, body: { outcome: 'ACCEPTED', reason: `started run #${run.number}`, runs: [run.id] } };
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002' && deliveryId) {
      const earlier = await findDelivery(deps.db, scope, deliveryId);
      if (earlier) return replay(earlier);
    }
    throw error;
  }
}
