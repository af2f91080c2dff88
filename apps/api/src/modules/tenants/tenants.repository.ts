import type { Db } from '../../db/prisma.js';
import type { PodSecurityLevel, TenantRole } from '../../generated/prisma/enums.js';
import type { Tx } from '../shared/mutation.js';

export interface TenantRow {
  id: string;
  name: string;
  description: string;
  quotaCpu: string | null;
  quotaMemory: string | null;
  maxConcurrentRuns: number | null;
  podSecurity: PodSecurityLevel;
  createdAt: Date;
  updatedAt: Date;
}

/** The only Prisma caller for tenants and memberships. Writes take the mutation's `tx`. */
export const tenantsRepository = {
  create: (tx: Tx, data: Omit<TenantRow, 'id' | 'createdAt' | 'updatedAt'>) => tx.tenant.create({ data }),

  update: (tx: Tx, id: string, data: Partial<Omit<TenantRow, 'id' | 'name' | 'createdAt' | 'updatedAt'>>) =>
    tx.tenant.update({ where: { id }, data }),

  findByName: (tx: Tx, name: string) => tx.tenant.findUnique({ where: { name } }),

  findById: (tx: Tx, id: string) => tx.tenant.findUniqueOrThrow({ where: { id } }),

  /** Replaces the tenant's single sign-on group mapping. */
  replaceSsoGroupRoles: async (tx: Tx, tenantId: string, groupRoles: { group: string; role: TenantRole }[]) => {
    await tx.tenantSsoGroupRole.deleteMany({ where: { tenantId } });
    await tx.tenantSsoGroupRole.createMany({ data: groupRoles.map((entry) => ({ tenantId, ...entry })) });
  },

  delete: (tx: Tx, id: string) => tx.tenant.delete({ where: { id } }),

  /** Serialises membership changes of one tenant, so that two demotions cannot both leave no owner. */
  lock: (tx: Tx, id: string) => tx.$queryRaw`SELECT 1 FROM tenants WHERE id = ${id}::uuid FOR UPDATE`,

  findMembership: (tx: Tx, tenantId: string, userId: string) =>
    tx.membership.findUnique({ where: { tenantId_userId: { tenantId, userId } }, include: { user: true } }),

  addMembership: (tx: Tx, tenantId: string, userId: string, role: TenantRole) =>
    tx.membership.create({ data: { tenantId, userId, role }, include: { user: true } }),

  /** A role set by hand is kept by later single sign-ons (no longer the group mapping's). */
  setRole: (tx: Tx, tenantId: string, userId: string, role: TenantRole) =>
    tx.membership.update({
      where: { tenantId_userId: { tenantId, userId } },
      data: { role, grantedBySso: false },
      include: { user: true },
    }),

  removeMembership: (tx: Tx, tenantId: string, userId: string) =>
    tx.membership.delete({ where: { tenantId_userId: { tenantId, userId } } }),

  countOwners: (tx: Tx, tenantId: string) => tx.membership.count({ where: { tenantId, role: 'OWNER' } }),

  findUserByEmail: (tx: Tx, email: string) => tx.user.findUnique({ where: { email } }),

  /** Every tenant for platform administrators, the caller's tenants for everyone else. */
  listVisible: (db: Db, user: { id: string; isAdmin: boolean }) =>
    db.tenant.findMany({
      where: user.isAdmin ? {} : { memberships: { some: { userId: user.id } } },
      orderBy: { name: 'asc' },
    }),
};
