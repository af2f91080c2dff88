import { forbidden, notFound } from '../../errors/app-error.js';
import type { TenantRole } from '../../generated/prisma/enums.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { Tx } from '../shared/mutation.js';
import { hasRole } from '../shared/roles.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface RunAccessRow {
  tenantId: string;
  tenantName: string;
  workflowName: string;
  role: TenantRole | null;
}

/**
 * Checks that the caller may act on the run with `required`, in one statement (a live
 * stream checks this again every 30 s; Prisma's nested reads took five). Unknown ids,
 * malformed ids and runs of tenants the caller is not a member of are all NOT_FOUND, so
 * ids cannot be probed.
 */
export async function requireRunAccess(
  tx: Pick<Tx, '$queryRaw'>,
  user: AuthUser,
  id: string,
  required: TenantRole,
): Promise<{ tenantId: string; workflowName: string; role: TenantRole }> {
  const [found] = UUID.test(id)
    ? await tx.$queryRaw<RunAccessRow[]>`
        SELECT t.id AS "tenantId", t.name AS "tenantName", w.name AS "workflowName", m.role::text AS role
        FROM workflow_runs r
        JOIN workflows w ON w.id = r.workflow_id
        JOIN projects p ON p.id = w.project_id
        JOIN tenants t ON t.id = p.tenant_id
        LEFT JOIN memberships m ON m.tenant_id = t.id AND m.user_id = ${user.id}::uuid
        WHERE r.id = ${id}::uuid`
    : [];
  const role: TenantRole | null | undefined = user.isAdmin ? 'OWNER' : found?.role;
  if (!found || !role) throw notFound(`workflow run "${id}"`);
  if (!hasRole(role, required)) {
    throw forbidden(`this needs the ${required} role in tenant "${found.tenantName}"; you are ${role}`);
  }
  return { tenantId: found.tenantId, workflowName: found.workflowName, role };
}

/** The run, once `requireRunAccess` let the caller act on it with `required`. */
export async function requireRun(tx: Tx, user: AuthUser, id: string, required: TenantRole) {
  const access = await requireRunAccess(tx, user, id, required);
  const run = await tx.workflowRun.findUnique({ where: { id } });
  // Deleted between the two reads (outside a transaction).
  if (!run) throw notFound(`workflow run "${id}"`);
  return { run, ...access };
}
