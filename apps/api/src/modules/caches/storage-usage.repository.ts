import type { Db } from '../../db/prisma.js';

/** What a project keeps in storage: stage caches, run artifacts and run logs. */
export interface ProjectStorage {
  cacheBytes: bigint;
  cacheEntries: number;
  artifactBytes: bigint;
  logBytes: bigint;
}

/**
 * The storage of each project of a tenant, by project id (projects with nothing stored
 * are missing): one grouped query per measure, whatever the number of runs.
 */
export async function measureProjectStorage(db: Db, tenantId: string): Promise<Map<string, ProjectStorage>> {
  const [caches, artifacts, logs] = await Promise.all([
    db.stageCache.groupBy({
      by: ['projectId'],
      where: { tenantId, projectId: { not: null } },
      _sum: { size: true },
      _count: { _all: true },
    }),
    // SUM of bigint is numeric in Postgres; cast back so that the driver hands a bigint.
    db.$queryRaw<{ projectId: string; bytes: bigint }[]>`
      SELECT w.project_id AS "projectId", SUM(a.size)::bigint AS bytes
      FROM artifacts a
      JOIN workflow_runs r ON r.id = a.run_id
      JOIN workflows w ON w.id = r.workflow_id
      JOIN projects p ON p.id = w.project_id
      WHERE p.tenant_id = ${tenantId}::uuid
      GROUP BY w.project_id`,
    // The lines as stored, not stage_runs.log_bytes (only what the ingestion route
    // stored, for the current attempt); log_lines carries its run's workflow.
    db.$queryRaw<{ projectId: string; bytes: bigint }[]>`
      SELECT w.project_id AS "projectId", SUM(octet_length(l.text))::bigint AS bytes
      FROM log_lines l
      JOIN workflows w ON w.id = l.workflow_id
      JOIN projects p ON p.id = w.project_id
      WHERE p.tenant_id = ${tenantId}::uuid
      GROUP BY w.project_id`,
  ]);
  const usage = new Map<string, ProjectStorage>();
  const of = (projectId: string) => {
    let found = usage.get(projectId);
    if (!found) {
      found = { cacheBytes: 0n, cacheEntries: 0, artifactBytes: 0n, logBytes: 0n };
      usage.set(projectId, found);
    }
    return found;
  };
  for (const row of caches) {
    if (!row.projectId) continue;
    Object.assign(of(row.projectId), { cacheBytes: row._sum.size ?? 0n, cacheEntries: row._count._all });
  }
  for (const row of artifacts) of(row.projectId).artifactBytes = row.bytes;
  for (const row of logs) of(row.projectId).logBytes = row.bytes;
  return usage;
}
