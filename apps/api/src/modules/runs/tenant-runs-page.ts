import type { Db } from '../../db/prisma.js';
import { Prisma, type WorkflowRun } from '../../generated/prisma/client.js';
import type { RunPhase, RunTrigger } from '../../generated/prisma/enums.js';

export interface TenantRunsPageArgs {
  tenantId: string;
  project?: string | null;
  workflow?: string | null;
  phases?: RunPhase[] | null;
  triggers?: RunTrigger[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  /** The last row of the previous page (createdAt, then id, descending). */
  after?: { createdAt: Date; id: string };
  take: number;
}

/**
 * A page of a tenant's runs, newest first (createdAt, then id). Each workflow's newest
 * `take` runs come from its (workflow_id, created_at) index and the page from those:
 * the cost grows with the tenant's workflows, not with its history (sorting all of a
 * tenant's runs for the first page took 110 ms at 100,000 runs).
 */
export async function readTenantRunsPage(db: Db, args: TenantRunsPageArgs): Promise<WorkflowRun[]> {
  const runConditions = [
    Prisma.sql`r.workflow_id = w.id`,
    ...(args.phases?.length ? [Prisma.sql`r.phase::text = ANY(${args.phases}::text[])`] : []),
    ...(args.triggers?.length ? [Prisma.sql`r.trigger::text = ANY(${args.triggers}::text[])`] : []),
    ...(args.createdAfter ? [Prisma.sql`r.created_at >= ${args.createdAfter}`] : []),
    ...(args.createdBefore ? [Prisma.sql`r.created_at < ${args.createdBefore}`] : []),
    ...(args.after
      ? [
          Prisma.sql`r.created_at <= ${args.after.createdAt}`,
          Prisma.sql`(r.created_at < ${args.after.createdAt} OR r.id < ${args.after.id}::uuid)`,
        ]
      : []),
  ];
  const workflowConditions = [
    Prisma.sql`p.tenant_id = ${args.tenantId}::uuid`,
    ...(args.project ? [Prisma.sql`p.name = ${args.project}`] : []),
    ...(args.workflow ? [Prisma.sql`w.name = ${args.workflow}`] : []),
  ];
  const ids = await db.$queryRaw<{ id: string }[]>`
    SELECT r.id FROM workflows w
    JOIN projects p ON p.id = w.project_id
    CROSS JOIN LATERAL (
      SELECT r.id, r.created_at FROM workflow_runs r
      WHERE ${Prisma.join(runConditions, ' AND ')}
      ORDER BY r.created_at DESC, r.id DESC
      LIMIT ${args.take}
    ) r
    WHERE ${Prisma.join(workflowConditions, ' AND ')}
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT ${args.take}`;
  if (ids.length === 0) return [];
  return db.workflowRun.findMany({
    where: { id: { in: ids.map((row) => row.id) } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}
