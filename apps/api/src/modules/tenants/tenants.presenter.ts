import type { Db } from '../../db/prisma.js';
import type { TenantRole } from '../../generated/prisma/enums.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireTenantRole } from '../shared/access.js';
import type { TenantRow } from './tenants.repository.js';
import { tenantsRepository } from './tenants.repository.js';

export interface TenantView {
  id: string;
  name: string;
  description: string;
  namespace: string;
  quota: {
    cpu: string | null;
    memory: string | null;
    maxConcurrentRuns: number | null;
    podSecurity: 'RESTRICTED' | 'BASELINE';
  };
  createdAt: Date;
  updatedAt: Date;
}

/** Reads of tenants. A tenant the caller is not a member of does not exist for them. */
export class TenantsPresenter {
  constructor(private readonly db: Db) {}

  async listTenants(user: AuthUser): Promise<TenantView[]> {
    return (await tenantsRepository.listVisible(this.db, user)).map(toTenantView);
  }

  /** NOT_FOUND both for a missing tenant and for one the caller is not a member of. */
  async getTenant(user: AuthUser, name: string): Promise<TenantView> {
    const { tenant } = await requireTenantRole(this.db, user, name, 'VIEWER');
    return toTenantView((await tenantsRepository.findByName(this.db, tenant.name)) as TenantRow);
  }
}

export function toTenantView(row: TenantRow): TenantView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    namespace: `cyclone-${row.name}`,
    quota: {
      cpu: row.quotaCpu,
      memory: row.quotaMemory,
      maxConcurrentRuns: row.maxConcurrentRuns,
      podSecurity: row.podSecurity,
    },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The caller's effective role: platform administrators act as OWNER everywhere. */
export function effectiveRole(
  user: AuthUser,
  members: { user: { id: string }; role: TenantRole }[],
): TenantRole | undefined {
  if (user.isAdmin) return 'OWNER';
  return members.find((member) => member.user.id === user.id)?.role;
}
