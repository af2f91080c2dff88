import DataLoader from 'dataloader';
import type { Db } from '../../db/prisma.js';
import { byKey, groupByKey } from '../shared/loader-keys.js';

/** Tenants, their members and users, for a list of them in one query per relation. */
export function createTenantLoaders(db: Db) {
  return {
    userById: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.user.findMany({ where: { id: { in: [...ids] } } });
      return byKey(ids, rows, (row) => row.id);
    }),
    tenantById: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.tenant.findMany({ where: { id: { in: [...ids] } } });
      return byKey(ids, rows, (row) => row.id);
    }),
    /** Members of a tenant with their users, oldest first. */
    membersByTenantId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.membership.findMany({
        where: { tenantId: { in: [...ids] } },
        include: { user: true },
        orderBy: { createdAt: 'asc' },
      });
      return groupByKey(ids, rows, (row) => row.tenantId);
    }),
    /** The tenant's single sign-on group mapping, by group. */
    ssoGroupRolesByTenantId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.tenantSsoGroupRole.findMany({
        where: { tenantId: { in: [...ids] } },
        orderBy: { group: 'asc' },
      });
      return groupByKey(ids, rows, (row) => row.tenantId);
    }),
  };
}
