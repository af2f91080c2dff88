import { z } from 'zod';
import { badInput, notFound } from '../../errors/app-error.js';
import type { Integration, WorkflowTrigger } from '../../generated/prisma/client.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireTenantRole } from '../shared/access.js';
import { parseInput } from '../shared/validate-input.js';
import { keepPermittedCommenters } from './comment-permission.js';
import { approvalReasonOf } from './event-trust.rules.js';
import { explainScmMatch } from './explain-trigger.rules.js';
import { processDelivery, storedSpecSchema, type WebhookDeps } from './scm-delivery.js';
import type { ScmEvent } from './scm-event.js';
import { isWebhookType, normalizeDelivery } from './webhook-request.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SIMULATED_EVENTS = ['PUSH', 'TAG', 'PULL_REQUEST', 'COMMENT'] as const;
export type SimulatedEvent = (typeof SIMULATED_EVENTS)[number];

export interface SimulateTriggerArgs {
  tenant: string;
  integration: string;
  event: SimulatedEvent;
  repository: string;
  branch?: string | null;
  tag?: string | null;
  comment?: string | null;
  author?: string | null;
}

/** One trigger of the tenant and whether the event would start it, and why. */
export interface TriggerExplanation {
  trigger: WorkflowTrigger;
  wouldStart: boolean;
  reason: string;
}

const name = z.string().trim().min(1).max(200);
const simulateSchema = z
  .object({
    tenant: name,
    integration: name,
    event: z.enum(SIMULATED_EVENTS),
    repository: name,
    branch: name.nullish(),
    tag: name.nullish(),
    comment: z.string().trim().min(1).max(1000).nullish(),
    author: name.nullish(),
  })
  .superRefine((input, ctx) => {
    const needs = { PUSH: 'branch', TAG: 'tag', PULL_REQUEST: 'branch', COMMENT: 'comment' } as const;
    const field = needs[input.event];
    if (!input[field])
      ctx.addIssue({ code: 'custom', path: [field], message: `a ${input.event} event needs ${field}` });
  });

/**
 * simulateTrigger and replayWebhookDelivery: for every trigger of a tenant, whether an
 * event (described, or a stored delivery's payload) would start a run, and why — the
 * same rules as a delivery (match-triggers, comment-permission, event-trust). Only a
 * replay that is not a dry run starts anything.
 */
export class TriggerExplainService {
  constructor(private readonly deps: WebhookDeps) {}

  async simulate(user: AuthUser, args: SimulateTriggerArgs): Promise<TriggerExplanation[]> {
    const input = parseInput(simulateSchema, args, 'input');
    const access = await requireTenantRole(this.deps.db, user, input.tenant, 'DEVELOPER');
    const integration = await this.deps.db.integration.findUnique({
      where: { tenantId_name: { tenantId: access.tenant.id, name: input.integration } },
    });
    if (!integration) throw notFound(`integration "${input.integration}" in tenant "${input.tenant}"`);
    if (!isWebhookType(integration.type)) {
      throw badInput('integration', `"${input.integration}" is a ${integration.type} integration, not an SCM one`);
    }
    return this.explain(integration, [simulatedEvent(input)]);
  }

  /**
   * Explains a stored delivery again with today's triggers; unless `dryRun`, also acts
   * on it again as a new delivery (its runs start, recorded under a replay id).
   */
  async replay(
    user: AuthUser,
    id: string,
    dryRun: boolean,
  ): Promise<{ explanations: TriggerExplanation[]; runIds: string[] }> {
    const delivery = UUID.test(id)
      ? await this.deps.db.webhookDelivery.findUnique({
          where: { id },
          include: { integration: { include: { tenant: true } } },
        })
      : null;
    if (!delivery?.integration) throw notFound(`webhook delivery "${id}"`);
    const { integration } = delivery;
    // Deliveries are read by tenant ADMINs only (they show forged traffic); replaying needs the same.
    await requireTenantRole(this.deps.db, user, integration.tenant.name, 'ADMIN');
    const payload = delivery.payload;
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
      throw badInput(
        'id',
        delivery.outcome === 'REJECTED'
          ? 'the delivery was rejected, so its payload was not kept'
          : 'the delivery has no kept payload (too large, or older than the deliveries kept)',
      );
    }
    const body = payload as Record<string, unknown>;
    const normalized = normalizeDelivery(integration.type, delivery.event, body);
    const explanations =
      normalized.events.length === 0
        ? (await this.triggersOf(integration.tenantId)).map((trigger) => ({
            trigger,
            wouldStart: false,
            reason: `the delivery starts nothing: ${normalized.ignoredReason ?? 'nothing to do'}`,
          }))
        : await this.explain(integration, normalized.events);
    if (dryRun) return { explanations, runIds: [] };
    const secret = this.deps.box.openJson(integration.secretCiphertext);
    const result = await processDelivery(this.deps, integration, secret, {
      deliveryId: `replay:${delivery.id}:${Date.now()}`,
      event: delivery.event,
      payload: body,
    });
    return { explanations, runIds: result.body.runs };
  }

  private triggersOf(tenantId: string): Promise<WorkflowTrigger[]> {
    return this.deps.db.workflowTrigger.findMany({
      where: { workflow: { project: { tenantId } } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  private async explain(integration: Integration, events: ScmEvent[]): Promise<TriggerExplanation[]> {
    const triggers = await this.triggersOf(integration.tenantId);
    const integrations = await this.deps.db.integration.findMany({
      where: { tenantId: integration.tenantId },
      select: { id: true, name: true },
    });
    const secret = this.deps.box.openJson(integration.secretCiphertext);
    const explanations: TriggerExplanation[] = [];
    for (const trigger of triggers) {
      explanations.push({ trigger, ...(await this.explainOne(trigger, integration, secret, events, integrations)) });
    }
    return explanations;
  }

  private async explainOne(
    trigger: WorkflowTrigger,
    integration: Integration,
    secret: Record<string, string>,
    events: ScmEvent[],
    integrations: { id: string; name: string }[],
  ): Promise<{ wouldStart: boolean; reason: string }> {
    if (trigger.type !== 'SCM') {
      return { wouldStart: false, reason: `a ${trigger.type} trigger does not start on repository events` };
    }
    if (!trigger.isEnabled) return { wouldStart: false, reason: 'the trigger is disabled' };
    const spec = storedSpecSchema.safeParse(trigger.spec);
    const integrationId = (trigger.spec as { scm?: { integrationId?: string } } | null)?.scm?.integrationId;
    if (!spec.success) return { wouldStart: false, reason: 'the trigger has settings Cyclone cannot read' };
    if (integrationId !== integration.id) {
      const other = integrations.find((i) => i.id === integrationId)?.name ?? 'a deleted integration';
      return { wouldStart: false, reason: `the trigger listens to integration "${other}", not "${integration.name}"` };
    }
    const verdicts = events.map((event) => ({ event, ...explainScmMatch(spec.data.scm, event) }));
    const match = verdicts.find((v) => v.wouldStart);
    if (!match) return { wouldStart: false, reason: (verdicts[0] as { reason: string }).reason };
    if (match.event.kind === 'pull_request_comment') {
      try {
        const { refused } = await keepPermittedCommenters(integration, secret, [
          { trigger: { name: trigger.name, scm: spec.data.scm }, event: match.event },
        ]);
        if (refused.length > 0) {
          const login = match.event.sender?.login;
          return {
            wouldStart: false,
            reason: `${login ? `author ${login}` : 'the author'} is not a member: neither on the trigger's pullRequestComment.users nor with write access to ${match.event.repo}`,
          };
        }
      } catch (error) {
        return {
          wouldStart: false,
          reason: `could not ask the server whether the author may start runs: ${(error as Error).message}`,
        };
      }
    }
    const approval = approvalReasonOf(match.event);
    return approval
      ? { wouldStart: true, reason: `${match.reason}; the run waits for a member's approval: ${approval}` }
      : { wouldStart: true, reason: match.reason };
  }
}

/** The event a simulation describes, as a delivery would normalize it (a pull request from the same repository). */
function simulatedEvent(input: z.infer<typeof simulateSchema>): ScmEvent {
  const sender = input.author ? { login: input.author } : undefined;
  const pullRequest = {
    number: 0,
    sourceBranch: '',
    targetBranch: input.branch ?? '',
    action: 'opened',
    isFork: false,
  };
  // What every simulated event has: no commit, the repository and sender given.
  const common = { repo: input.repository, sha: '', sender };
  switch (input.event) {
    case 'PUSH':
      return { kind: 'push', ...common, ref: `refs/heads/${input.branch}`, branch: input.branch ?? '' };
    case 'TAG':
      return { kind: 'tag', ...common, ref: `refs/tags/${input.tag}`, tag: input.tag ?? '' };
    case 'PULL_REQUEST':
      return { kind: 'pull_request', ...common, ref: 'refs/pull/0/head', pullRequest };
    case 'COMMENT':
      return {
        kind: 'pull_request_comment',
        ...common,
        ref: 'refs/pull/0/head',
        pullRequest,
        comment: input.comment ?? '',
      };
  }
}
