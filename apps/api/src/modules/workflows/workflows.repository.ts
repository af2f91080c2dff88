import { type WorkflowSpec, workflowSpecSchema } from '@cyclone/domain';
import type { SqlTx } from '../../db/sql-tx.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { RunPhase } from '../../generated/prisma/enums.js';
import { stableJson } from '../resources/resources.repository.js';
import type { Tx } from '../shared/mutation.js';

export interface WorkflowRow {
  id: string;
  projectId: string;
  name: string;
  description: string;
  currentVersion: number;
  maxConcurrentRuns: number | null;
  runRetention: number | null;
  executionCluster?: string | null;
  createdById: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface RunRow {
  id: string;
  workflowId: string;
  number: number;
  phase: RunPhase;
  message: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Set for runs that waited for a member's approval (WorkflowRun.approvalRequest). */
  approvalReason?: string | null;
  approvedAt?: Date | null;
  approvedById?: string | null;
}

export type SaveOutcome = 'CREATED' | 'UPDATED' | 'UNCHANGED';

/** Stored versions were validated on the way in; parsing again fills defaults added since. */
export function toWorkflowSpec(json: unknown): WorkflowSpec {
  return workflowSpecSchema.parse(json);
}

export const workflowsRepository = {
  findByName(tx: Tx, projectId: string, name: string): Promise<WorkflowRow | null> {
    return tx.workflow.findUnique({ where: { projectId_name: { projectId, name } } });
  },

  /** Only the id and name, in one raw statement: the submit path of every run asks this. */
  async findRefByName(tx: SqlTx, projectId: string, name: string): Promise<{ id: string; name: string } | null> {
    const rows = await tx.$queryRaw<{ id: string; name: string }[]>`
      SELECT id, name FROM workflows WHERE project_id = ${projectId}::uuid AND name = ${name}`;
    return rows[0] ?? null;
  },

  /** Locks the workflow's row for the rest of the transaction (new versions, deletes). */
  async lock(tx: Tx, workflowId: string): Promise<void> {
    await tx.$queryRaw`SELECT 1 FROM workflows WHERE id = ${workflowId}::uuid FOR UPDATE`;
  },

  async currentSpec(tx: Tx, workflow: Pick<WorkflowRow, 'id' | 'currentVersion'>): Promise<WorkflowSpec> {
    const row = await tx.workflowVersion.findUniqueOrThrow({
      where: { workflowId_version: { workflowId: workflow.id, version: workflow.currentVersion } },
      select: { spec: true },
    });
    return toWorkflowSpec(row.spec);
  },

  /**
   * Creates the workflow with version 1, or adds a version when the spec differs from
   * the current one. Versions are immutable: an identical spec adds nothing.
   */
  async saveVersion(
    tx: Tx,
    projectId: string,
    name: string,
    spec: WorkflowSpec,
    creatorId: string | null,
  ): Promise<{ workflow: WorkflowRow; outcome: SaveOutcome }> {
    const json = spec as unknown as Prisma.InputJsonObject;
    const existing = await this.findByName(tx, projectId, name);
    if (!existing) {
      const workflow = await tx.workflow.create({
        data: {
          projectId,
          name,
          description: spec.description,
          currentVersion: 1,
          createdById: creatorId,
          versions: { create: { version: 1, spec: json, createdById: creatorId } },
        },
      });
      return { workflow, outcome: 'CREATED' };
    }
    await this.lock(tx, existing.id);
    const current = await this.currentSpec(tx, existing);
    if (stableJson(current) === stableJson(spec)) return { workflow: existing, outcome: 'UNCHANGED' };
    // Versions taken from a pushed revision (pipelines as code) may be newer than the current one.
    const version = await this.nextVersion(tx, existing.id);
    await tx.workflowVersion.create({ data: { workflowId: existing.id, version, spec: json, createdById: creatorId } });
    const workflow = await tx.workflow.update({
      where: { id: existing.id },
      data: { currentVersion: version, description: spec.description },
    });
    return { workflow, outcome: 'UPDATED' };
  },

  /** The next version number of a locked workflow. */
  async nextVersion(tx: Tx, workflowId: string): Promise<number> {
    const last = await tx.workflowVersion.aggregate({ where: { workflowId }, _max: { version: true } });
    return (last._max.version ?? 0) + 1;
  },

  async findActiveRuns(tx: Tx, workflowId: string, phases: readonly RunPhase[]): Promise<RunRow[]> {
    return tx.workflowRun.findMany({
      where: { workflowId, phase: { in: [...phases] } },
      orderBy: { number: 'asc' },
      take: 5,
    });
  },

  async delete(tx: Tx, workflowId: string): Promise<void> {
    await tx.workflow.delete({ where: { id: workflowId } });
  },
};
