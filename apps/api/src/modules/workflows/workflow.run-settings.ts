import { z } from 'zod';
import type { Tx } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';

/**
 * Run settings of a workflow, kept on the workflow row (not in its versions, nor in
 * Cyclone YAML): `maxConcurrentRuns` (null: no limit of its own; the tenant's and the
 * installation's still apply) and `runRetention` (finished runs kept; null: the
 * CYCLONE_RUN_RETENTION default). Omitted fields are left as they are; null clears.
 */
const runSettingsSchema = z.object({
  maxConcurrentRuns: z.number().int().min(1).max(1000).nullish(),
  runRetention: z.number().int().min(1).max(100_000).nullish(),
});

export interface RunSettingsInput {
  maxConcurrentRuns?: number | null;
  runRetention?: number | null;
}

export function parseRunSettings(input: RunSettingsInput): RunSettingsInput {
  const parsed = parseInput(
    runSettingsSchema,
    { maxConcurrentRuns: input.maxConcurrentRuns, runRetention: input.runRetention },
    'input',
  );
  return Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== undefined));
}

/** Writes the given settings, returning the workflow row as it is afterwards. */
export async function applyRunSettings<T extends { id: string }>(
  tx: Tx,
  workflow: T,
  settings: RunSettingsInput,
): Promise<T> {
  if (Object.keys(settings).length === 0) return workflow;
  return (await tx.workflow.update({ where: { id: workflow.id }, data: settings })) as unknown as T;
}
