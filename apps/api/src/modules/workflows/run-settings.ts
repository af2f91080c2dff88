import { z } from 'zod';
import { requireExecutionCluster } from '../runs/execution-cluster.js';
import type { Tx } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';

/**
 * Run settings of a workflow, kept on the workflow row (not in its versions, nor in
 * Cyclone YAML): `maxConcurrentRuns` (null: no limit of its own; the tenant's and the
 * installation's still apply) and `runRetention` (finished runs kept; null: the
 * CYCLONE_RUN_RETENTION default) and `executionCluster` (the worker cluster its runs
 * use unless a run names its own: a KUBERNETES integration of the tenant; null: the
 * control cluster). Omitted fields are left as they are; null clears.
 */
const runSettingsSchema = z.object({
  maxConcurrentRuns: z.number().int().min(1).max(1000).nullish(),
  runRetention: z.number().int().min(1).max(100_000).nullish(),
  executionCluster: z.string().min(1).max(253).nullish(),
});

export interface RunSettingsInput {
  maxConcurrentRuns?: number | null;
  runRetention?: number | null;
  executionCluster?: string | null;
}

export function parseRunSettings(input: RunSettingsInput): RunSettingsInput {
  const parsed = parseInput(
    runSettingsSchema,
    {
      maxConcurrentRuns: input.maxConcurrentRuns,
      runRetention: input.runRetention,
      executionCluster: input.executionCluster,
    },
    'input',
  );
  return Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== undefined));
}

/** Writes the given settings, returning the workflow row as it is afterwards. */
export async function applyRunSettings<T extends { id: string }>(
  tx: Tx,
  workflow: T,
  settings: RunSettingsInput,
  tenantId?: string,
  clusterField?: string,
): Promise<T> {
  if (Object.keys(settings).length === 0) return workflow;
  if (settings.executionCluster && tenantId) {
    await requireExecutionCluster(tx, tenantId, settings.executionCluster, clusterField);
  }
  return (await tx.workflow.update({ where: { id: workflow.id }, data: settings })) as unknown as T;
}
