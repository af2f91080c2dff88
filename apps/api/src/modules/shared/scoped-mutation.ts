import type { Db } from '../../db/prisma.js';
import type { TenantRole } from '../../generated/prisma/enums.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireProject, requireTenantRole } from './access.js';
import { runMutation, type Tx } from './mutation.js';

export interface ProjectScope {
  tenantId: string;
  projectId: string;
}

type Deps = { db: Db; logger: Logger };

/**
 * runMutation for one type of project object (`const stageMutation = projectObjectMutation('Stage')`):
 * the caller needs DEVELOPER on the project, and the audit event names the object
 * `project/name` under the project's tenant.
 */
export function projectObjectMutation(objectType: string) {
  return <T>(
    deps: Deps,
    user: AuthUser,
    action: string,
    ref: { tenant: string; project: string; name: string },
    work: (tx: Tx, scope: ProjectScope) => Promise<T>,
  ): Promise<T> => {
    const subject = { action, objectType, objectName: `${ref.project}/${ref.name}` };
    return runMutation(deps, user, subject, async (tx, audited) => {
      const access = await requireProject(tx, user, ref.tenant, ref.project, 'DEVELOPER');
      audited.tenantId = access.tenant.id;
      return work(tx, { tenantId: access.tenant.id, projectId: access.project.id });
    });
  };
}

/**
 * runMutation for one type of tenant object (`const integrationMutation = tenantObjectMutation('Integration')`):
 * the caller needs `role` in the tenant, and the audit event is filed under it.
 */
export function tenantObjectMutation(objectType: string) {
  return <T>(
    deps: Deps,
    user: AuthUser,
    action: string,
    ref: { tenant: string; name: string },
    role: TenantRole,
    work: (tx: Tx, tenantId: string) => Promise<T>,
  ): Promise<T> =>
    runMutation(deps, user, { action, objectType, objectName: ref.name }, async (tx, audited) => {
      const { tenant } = await requireTenantRole(tx, user, ref.tenant, role);
      audited.tenantId = tenant.id;
      return work(tx, tenant.id);
    });
}
