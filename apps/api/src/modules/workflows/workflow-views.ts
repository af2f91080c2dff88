import type { WorkflowStage } from '@cyclone/domain';
import { integrationIdOf, type TriggerRow, toTriggerSpec } from '../triggers/triggers.repository.js';
import { webhookPath } from '../triggers/triggers.rules.js';

/** A stored stage as GraphQL shows it: input artifacts carry their source again. */
export function toStageView(stage: WorkflowStage) {
  const sources = new Map(stage.artifactSources.map((a) => [a.name, a.source]));
  return {
    ...stage,
    inputs: {
      resources: stage.inputs.resources,
      artifacts: stage.inputs.artifacts.map((a) => ({ ...a, source: sources.get(a.name) })),
    },
    outputs: stage.outputs,
    caches: stage.caches ?? [],
    services: stage.services ?? [],
  };
}

export function toTriggerView(row: TriggerRow) {
  const spec = toTriggerSpec(row);
  const integrationId = integrationIdOf(row);
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    cron: spec.cron,
    timezone: spec.timezone,
    concurrencyPolicy: spec.concurrencyPolicy,
    startingDeadlineSeconds: spec.startingDeadlineSeconds,
    scm: spec.scm,
    parameters: spec.parameters,
    enabled: row.isEnabled,
    nextFireAt: row.nextFireAt,
    webhookUrl:
      spec.type === 'SCM' && integrationId
        ? webhookPath(integrationId)
        : spec.type === 'WEBHOOK'
          ? `/webhooks/triggers/${row.id}`
          : undefined,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
