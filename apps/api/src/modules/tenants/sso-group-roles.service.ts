import type { Db } from '../../db/prisma.js';
import { forbidden } from '../../errors/app-error.js';
import type { TenantRole } from '../../generated/prisma/enums.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireTenantRole } from '../shared/access.js';
import { runMutation } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { setSsoGroupRolesSchema } from './tenants.inputs.js';
import { tenantsRepository as repo, type TenantRow } from './tenants.repository.js';

/**
 * A tenant's single sign-on group mapping: members of a provider group get the role
 * in this tenant when they sign in (modules/identity/sso.service.ts). Only an OWNER
 * (or a platform administrator) sets it, since it hands out roles, OWNER included, to
 * everyone the provider puts in a group.
 */
export class SsoGroupRolesService {
  constructor(private readonly deps: { db: Db; logger: Logger }) {}

  /** Replaces the whole mapping; takes effect at each member's next single sign-on. */
  setGroupRoles(
    actor: AuthUser,
    input: { tenant: string; groupRoles: { group: string; role: TenantRole }[] },
  ): Promise<TenantRow> {
    const subject = { action: 'tenant.sso-groups.set', objectType: 'Tenant', objectName: String(input.tenant) };
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const parsed = parseInput(setSsoGroupRolesSchema, input);
      const access = await requireTenantRole(tx, actor, parsed.tenant, 'ADMIN');
      audited.tenantId = access.tenant.id;
      if (access.role !== 'OWNER') {
        throw forbidden(
          `only an OWNER of tenant "${access.tenant.name}" may map SSO groups to roles; you are ${access.role}`,
        );
      }
      await repo.replaceSsoGroupRoles(tx, access.tenant.id, parsed.groupRoles);
      return repo.findById(tx, access.tenant.id);
    });
  }
}
