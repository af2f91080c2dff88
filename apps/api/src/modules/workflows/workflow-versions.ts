import type { WorkflowSpec } from '@cyclone/domain';
import type { SqlTx } from '../../db/sql-tx.js';
import { Prisma } from '../../generated/prisma/client.js';
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
  tx: Pick<SqlTx, '$queryRaw'>,
  ref: { id: string } | { workflowId: string; version: number },
): Promise<StoredVersion> {
  const id = 'id' in ref ? ref.id : idByNumber.get(`${ref.workflowId}:${ref.version}`);
  const cached = id === undefined ? undefined : byId.get(id);
  if (cached) return cached;
  const where =
    'id' in ref
      ? Prisma.sql`id = ${ref.id}::uuid`
      : Prisma.sql`workflow_id = ${ref.workflowId}::uuid AND version = ${ref.version}::int`;
  const [row] = await tx.$queryRaw<{ id: string; workflowId: string; version: number; spec: unknown }[]>`
    SELECT id, workflow_id AS "workflowId", version, spec FROM workflow_versions WHERE ${where}`;
  if (!row) throw new Error(`workflow version ${'id' in ref ? ref.id : `${ref.workflowId}:${ref.version}`} not found`);
  const stored = { id: row.id, workflowId: row.workflowId, version: row.version, spec: toWorkflowSpec(row.spec) };
  if (byId.size >= MAX_CACHED_VERSIONS) {
    byId.clear();
    idByNumber.clear();
  }
  byId.set(stored.id, stored);
  idByNumber.set(`${stored.workflowId}:${stored.version}`, stored.id);
  return stored;
}
