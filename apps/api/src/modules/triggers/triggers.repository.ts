import { type TriggerSpec, triggerSpecSchema } from '@cyclone/domain';
import { badInput, conflict, notFound } from '../../errors/app-error.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { TriggerType } from '../../generated/prisma/enums.js';
import { stableJson } from '../resources/resources.repository.js';
import type { Tx } from '../shared/mutation.js';
import { nextCronFire, SCM_INTEGRATION_TYPES } from './triggers.rules.js';

export type TriggerOutcome = 'CREATED' | 'UPDATED' | 'UNCHANGED';

/** What a trigger row keeps in `spec`: the SCM part also holds the integration's id, for webhooks. */
interface StoredTriggerSpec {
  cron?: string;
  /** CRON only: IANA time zone of the schedule; absent = UTC. */
  timezone?: string;
  /** CRON only; absent = ALLOW (rows stored before the policy existed read the same). */
  concurrencyPolicy?: TriggerSpec['concurrencyPolicy'];
  startingDeadlineSeconds?: number;
  scm?: NonNullable<TriggerSpec['scm']> & { integrationId: string };
  parameters: TriggerSpec['parameters'];
}

export interface TriggerRow {
  id: string;
  workflowId: string;
  name: string;
  type: TriggerType;
  spec: unknown;
  isEnabled: boolean;
  nextFireAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Creates or replaces a trigger of a workflow inside the caller's transaction. CRON
 * schedules are checked and get their next fire time; an SCM trigger's integration
 * must be an SCM integration of the same tenant. `field(x)` names input fields.
 */
export async function upsertTrigger(
  tx: Tx,
  scope: { tenantId: string; workflowId: string },
  spec: TriggerSpec,
  field: (name: string) => string,
  mode: 'create' | 'update' | 'apply' = 'apply',
): Promise<{ row: TriggerRow; outcome: TriggerOutcome }> {
  const stored = await toStoredSpec(tx, scope.tenantId, spec, field);
  const existing = await tx.workflowTrigger.findUnique({
    where: { workflowId_name: { workflowId: scope.workflowId, name: spec.name } },
  });
  if (!existing) {
    if (mode === 'update') throw notFoundTrigger(spec.name);
    const row = await tx.workflowTrigger.create({
      data: { workflowId: scope.workflowId, name: spec.name, ...storedFields(spec, stored, field) },
    });
    return { row, outcome: 'CREATED' };
  }
  if (mode === 'create') throw conflictTrigger(spec.name);
  const isSame =
    existing.type === spec.type &&
    existing.isEnabled === spec.enabled &&
    stableJson(existing.spec) === stableJson(stored);
  if (isSame) return { row: existing, outcome: 'UNCHANGED' };
  const row = await tx.workflowTrigger.update({
    where: { id: existing.id },
    data: storedFields(spec, stored, field),
  });
  return { row, outcome: 'UPDATED' };
}

/** The columns a create and an update both write: a CRON trigger that is on gets its next fire time. */
function storedFields(spec: TriggerSpec, stored: StoredTriggerSpec, field: (name: string) => string) {
  return {
    type: spec.type,
    spec: stored as unknown as Prisma.InputJsonObject,
    isEnabled: spec.enabled,
    nextFireAt:
      stored.cron && spec.enabled ? nextCronFire(stored.cron, field('cron'), new Date(), stored.timezone) : null,
  };
}

async function toStoredSpec(
  tx: Tx,
  tenantId: string,
  spec: TriggerSpec,
  field: (name: string) => string,
): Promise<StoredTriggerSpec> {
  if (spec.type === 'CRON') {
    if (!spec.cron) throw badInput(field('cron'), 'a CRON trigger needs a schedule, e.g. "0 3 * * *"');
    nextCronFire(spec.cron, field('cron'), new Date(), spec.timezone);
  } else if (spec.cron !== undefined) {
    throw badInput(field('cron'), `only CRON triggers take a schedule; this one is ${spec.type}`);
  }
  if (
    spec.type !== 'CRON' &&
    (spec.concurrencyPolicy !== 'ALLOW' || spec.startingDeadlineSeconds !== undefined || spec.timezone !== undefined)
  ) {
    const name =
      spec.concurrencyPolicy !== 'ALLOW'
        ? 'concurrencyPolicy'
        : spec.startingDeadlineSeconds !== undefined
          ? 'startingDeadlineSeconds'
          : 'timezone';
    throw badInput(field(name), `only CRON triggers take ${name}; this one is ${spec.type}`);
  }
  const cronPolicy = {
    ...(spec.timezone !== undefined ? { timezone: spec.timezone } : {}),
    ...(spec.concurrencyPolicy !== 'ALLOW' ? { concurrencyPolicy: spec.concurrencyPolicy } : {}),
    ...(spec.startingDeadlineSeconds !== undefined ? { startingDeadlineSeconds: spec.startingDeadlineSeconds } : {}),
  };
  if (spec.type !== 'SCM') {
    if (spec.scm) throw badInput(field('scm'), `only SCM triggers take scm settings; this one is ${spec.type}`);
    return { ...(spec.cron ? { cron: spec.cron.trim() } : {}), ...cronPolicy, parameters: spec.parameters };
  }
  if (!spec.scm) throw badInput(field('scm'), 'an SCM trigger needs {integration, repo}');
  const integration = await tx.integration.findUnique({
    where: { tenantId_name: { tenantId, name: spec.scm.integration } },
    select: { id: true, type: true },
  });
  if (!integration) throw badInput(field('scm.integration'), `no integration "${spec.scm.integration}" in this tenant`);
  if (!(SCM_INTEGRATION_TYPES as readonly string[]).includes(integration.type)) {
    throw badInput(
      field('scm.integration'),
      `integration "${spec.scm.integration}" is ${integration.type}; an SCM trigger needs one of ${SCM_INTEGRATION_TYPES.join(', ')}`,
    );
  }
  return { scm: { ...spec.scm, integrationId: integration.id }, parameters: spec.parameters };
}

/** The spec of a stored trigger, as the YAML codec and GraphQL read it. */
export function toTriggerSpec(row: Pick<TriggerRow, 'name' | 'type' | 'spec' | 'isEnabled'>): TriggerSpec {
  const stored = row.spec as StoredTriggerSpec;
  const scm = stored.scm ? (({ integrationId: _id, ...rest }) => rest)(stored.scm) : undefined;
  return triggerSpecSchema.parse({
    name: row.name,
    type: row.type,
    cron: stored.cron,
    timezone: stored.timezone,
    concurrencyPolicy: stored.concurrencyPolicy,
    startingDeadlineSeconds: stored.startingDeadlineSeconds,
    scm,
    parameters: stored.parameters ?? [],
    enabled: row.isEnabled,
  });
}

export function integrationIdOf(row: Pick<TriggerRow, 'spec'>): string | undefined {
  return (row.spec as StoredTriggerSpec).scm?.integrationId;
}

const notFoundTrigger = (name: string) => notFound(`trigger "${name}"`);
const conflictTrigger = (name: string) =>
  conflict(`trigger "${name}" already exists on this workflow; use updateWorkflowTrigger`);
