import { forbidden, notFound, unauthenticated } from '../../errors/app-error.js';
import type { TenantRole } from '../../generated/prisma/enums.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { Tx } from './mutation.js';
import { hasRole } from './roles.js';

export interface TenantAccess {
  tenant: { id: string; name: string };
  /** The caller's role; platform administrators act as OWNER everywhere. */
  role: TenantRole;
}

/**
 * Resolves a tenant by name for the caller and checks the role. A tenant the caller
 * is not a member of is reported as not found, so names cannot be probed.
 */
export async function requireTenantRole(
  tx: Tx,
  user: AuthUser | undefined,
  tenantName: string,
  required: TenantRole,
): Promise<TenantAccess> {
  if (!user) throw unauthenticated();
  const tenant = await tx.tenant.findUnique({
    where: { name: tenantName },
    select: { id: true, name: true, memberships: { where: { userId: user.id }, select: { role: true } } },
  });
  const role: TenantRole | undefined = user.isAdmin ? 'OWNER' : tenant?.memberships[0]?.role;
  if (!tenant || !role) throw notFound(`tenant "${tenantName}"`);
  if (!hasRole(role, required)) {
    throw forbidden(`this needs the ${required} role in tenant "${tenantName}"; you are ${role}`);
  }
  return { tenant: { id: tenant.id, name: tenant.name }, role };
}

/** Resolves a project of a tenant the caller may act on with the given role. */
export async function requireProject(
  tx: Tx,
  user: AuthUser | undefined,
  tenantName: string,
  projectName: string,
  required: TenantRole,
): Promise<TenantAccess & { project: { id: string; name: string } }> {
  const access = await requireTenantRole(tx, user, tenantName, required);
  const project = await tx.project.findUnique({
    where: { tenantId_name: { tenantId: access.tenant.id, name: projectName } },
    select: { id: true, name: true },
  });
  if (!project) throw notFound(`project "${projectName}" in tenant "${tenantName}"`);
  return { ...access, project };
}
