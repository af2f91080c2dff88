import type { WorkflowSpec } from '@cyclone/domain';
import type { Tx } from '../shared/mutation.js';
import { toWorkflowSpec } from './workflows.repository.js';

/** A stored workflow version with its spec parsed. */
export interface StoredVersion {
  id: string;
  workflowId: string;
  version: number;
  spec: WorkflowSpec;
}

/**
 * Versions are immutable: a process reads and parses each one once, however many
 * runs are created from it and passes made over them. Bounded: cleared when full.
 * The one cache of versions (runs are created from it, the run reconciler plans
 * from it); callers must not change the spec they get.
 */
const byId = new Map<string, StoredVersion>();
const idByNumber = new Map<string, string>();
const MAX_CACHED_VERSIONS = 1_000;

/** A version by id, or by its number within its workflow. */
export async function readWorkflowVersion(
  tx: Pick<Tx, 'workflowVersion'>,
  ref: { id: string } | { workflowId: string; version: number },
): Promise<StoredVersion> {
  const id = 'id' in ref ? ref.id : idByNumber.get(`${ref.workflowId}:${ref.version}`);
  const cached = id === undefined ? undefined : byId.get(id);
  if (cached) return cached;
  const row = await tx.workflowVersion.findUniqueOrThrow({
    where: 'id' in ref ? { id: ref.id } : { workflowId_version: { workflowId: ref.workflowId, version: ref.version } },
    select: { id: true, workflowId: true, version: true, spec: true },
  });
  const stored = { id: row.id, workflowId: row.workflowId, version: row.version, spec: toWorkflowSpec(row.spec) };
  if (byId.size >= MAX_CACHED_VERSIONS) {
    byId.clear();
    idByNumber.clear();
  }
  byId.set(stored.id, stored);
  idByNumber.set(`${stored.workflowId}:${stored.version}`, stored.id);
  return stored;
}
