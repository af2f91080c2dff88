import type { Db } from '../../db/prisma.js';
import type { TenantRunCounts } from '../../observability/instruments.js';

/** Active (admitted, not ended) and queued (not admitted yet) runs of every tenant that has any. */
export async function readTenantRunCounts(db: Db): Promise<TenantRunCounts[]> {
  const rows = await db.$queryRaw<{ tenant: string; active: bigint; queued: bigint }[]>`
    SELECT t.name AS tenant,
           count(*) FILTER (WHERE r.admitted_at IS NOT NULL) AS active,
           count(*) FILTER (WHERE r.admitted_at IS NULL) AS queued
    FROM workflow_runs r
    JOIN workflows w ON w.id = r.workflow_id
    JOIN projects p ON p.id = w.project_id
    JOIN tenants t ON t.id = p.tenant_id
    WHERE r.phase IN ('PENDING', 'RUNNING', 'WAITING')
    GROUP BY t.name
    ORDER BY t.name`;
  return rows.map((row) => ({ tenant: row.tenant, active: Number(row.active), queued: Number(row.queued) }));
}
