import type { Db } from '../../db/prisma.js';
import type { TenantRole } from '../../generated/prisma/enums.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireProject, requireTenantRole } from './access.js';
import { type AuditSubject, runMutation, type Tx } from './mutation.js';

export interface ProjectScope {
  tenantId: string;
  projectId: string;
}

type Deps = { db: Db; logger: Logger };

/**
 * runMutation for an object of a project: the caller needs DEVELOPER on the project,
 * and the audit event names the object `project/name` under the project's tenant.
 */
export function runProjectMutation<T>(
  deps: Deps,
  user: AuthUser,
  what: { action: string; objectType: string },
  ref: { tenant: string; project: string; name: string },
  work: (tx: Tx, scope: ProjectScope) => Promise<T>,
): Promise<T> {
  const subject = { ...what, objectName: `${ref.project}/${ref.name}` };
  return runMutation(deps, user, subject, async (tx, audited) => {
    const access = await requireProject(tx, user, ref.tenant, ref.project, 'DEVELOPER');
    audited.tenantId = access.tenant.id;
    return work(tx, { tenantId: access.tenant.id, projectId: access.project.id });
  });
}

/** runMutation for an object of a tenant: the caller needs `role` there, and the audit event is filed under it. */
export function runTenantMutation<T>(
  deps: Deps,
  user: AuthUser,
  subject: Omit<AuditSubject, 'tenantId'>,
  access: { tenant: string; role: TenantRole },
  work: (tx: Tx, tenantId: string) => Promise<T>,
): Promise<T> {
  return runMutation(deps, user, subject, async (tx, audited) => {
    const { tenant } = await requireTenantRole(tx, user, access.tenant, access.role);
    audited.tenantId = tenant.id;
    return work(tx, tenant.id);
  });
}
