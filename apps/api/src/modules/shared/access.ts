import type { SqlTx } from '../../db/sql-tx.js';
import { forbidden, notFound, unauthenticated } from '../../errors/app-error.js';
import type { TenantRole } from '../../generated/prisma/enums.js';
import type { AuthUser } from '../identity/identity.service.js';
import { hasRole } from './roles.js';

export interface TenantAccess {
  tenant: { id: string; name: string };
  /** The caller's role; platform administrators act as OWNER everywhere. */
  role: TenantRole;
}

interface AccessRow {
  tenantId: string;
  tenantName: string;
  role: TenantRole | null;
  projectId: string | null;
  projectName: string | null;
}

/**
 * The tenant by name, the caller's membership and (with a project name) the project,
 * in one statement: every mutation starts here, and Prisma's model queries cost
 * several times a raw statement's CPU.
 */
async function readAccess(tx: SqlTx, userId: string, tenantName: string, projectName?: string) {
  const rows = await tx.$queryRaw<AccessRow[]>`
    SELECT t.id AS "tenantId", t.name AS "tenantName", m.role::text AS role,
           p.id AS "projectId", p.name AS "projectName"
    FROM tenants t
    LEFT JOIN memberships m ON m.tenant_id = t.id AND m.user_id = ${userId}::uuid
    LEFT JOIN projects p ON p.tenant_id = t.id AND p.name = ${projectName ?? null}::text
    WHERE t.name = ${tenantName}`;
  return rows[0];
}

/** The caller's role in the tenant read, checked; a non-member's tenant is not found. */
function checkRole(
  user: AuthUser,
  found: AccessRow | undefined,
  tenantName: string,
  required: TenantRole,
): TenantAccess {
  const role: TenantRole | null | undefined = user.isAdmin ? 'OWNER' : found?.role;
  if (!found || !role) throw notFound(`tenant "${tenantName}"`);
  if (!hasRole(role, required)) {
    throw forbidden(`this needs the ${required} role in tenant "${tenantName}"; you are ${role}`);
  }
  return { tenant: { id: found.tenantId, name: found.tenantName }, role };
}

/**
 * Resolves a tenant by name for the caller and checks the role. A tenant the caller
 * is not a member of is reported as not found, so names cannot be probed.
 */
export async function requireTenantRole(
  tx: SqlTx,
  user: AuthUser | undefined,
  tenantName: string,
  required: TenantRole,
): Promise<TenantAccess> {
  if (!user) throw unauthenticated();
  return checkRole(user, await readAccess(tx, user.id, tenantName), tenantName, required);
}

/** Resolves a project of a tenant the caller may act on with the given role. */
export async function requireProject(
  tx: SqlTx,
  user: AuthUser | undefined,
  tenantName: string,
  projectName: string,
  required: TenantRole,
): Promise<TenantAccess & { project: { id: string; name: string } }> {
  if (!user) throw unauthenticated();
  const found = await readAccess(tx, user.id, tenantName, projectName);
  const access = checkRole(user, found, tenantName, required);
  if (!found?.projectId || !found.projectName) throw notFound(`project "${projectName}" in tenant "${tenantName}"`);
  return { ...access, project: { id: found.projectId, name: found.projectName } };
}
