import type { TenantRole } from '../../generated/prisma/enums.js';
import type { Tx } from '../shared/mutation.js';

/** Stored in place of a password hash for users single sign-on created: no password matches it. */
export const NO_PASSWORD = 'sso-only';

/** Prisma statements of a single sign-on, inside its transaction. */
export const ssoWrites = {
  findLinkedUser: async (tx: Tx, issuer: string, subject: string) =>
    (
      await tx.userIdentity.findUnique({
        where: { issuer_subject: { issuer, subject } },
        include: { user: true },
      })
    )?.user ?? null,

  findUserByEmail: (tx: Tx, email: string) => tx.user.findUnique({ where: { email } }),

  createUser: (tx: Tx, user: { email: string; name: string; isAdmin: boolean }) =>
    tx.user.create({ data: { ...user, passwordHash: NO_PASSWORD } }),

  link: (tx: Tx, issuer: string, subject: string, userId: string) =>
    tx.userIdentity.create({ data: { issuer, subject, userId, lastSignInAt: new Date() } }),

  touchLink: (tx: Tx, issuer: string, subject: string) =>
    tx.userIdentity.update({ where: { issuer_subject: { issuer, subject } }, data: { lastSignInAt: new Date() } }),

  setAdmin: (tx: Tx, userId: string, isAdmin: boolean) => tx.user.update({ where: { id: userId }, data: { isAdmin } }),

  groupRolesFor: (tx: Tx, groups: string[]) =>
    groups.length === 0
      ? Promise.resolve([])
      : tx.tenantSsoGroupRole.findMany({
          where: { group: { in: groups } },
          select: { tenantId: true, group: true, role: true },
        }),

  memberships: (tx: Tx, userId: string) =>
    tx.membership.findMany({ where: { userId }, select: { tenantId: true, role: true, grantedBySso: true } }),

  /** How many OWNERs each of these tenants has. */
  ownerCounts: async (tx: Tx, tenantIds: string[]) => {
    const rows = await tx.membership.groupBy({
      by: ['tenantId'],
      where: { tenantId: { in: tenantIds }, role: 'OWNER' },
      _count: { _all: true },
    });
    return new Map(rows.map((row) => [row.tenantId, row._count._all]));
  },

  addMembership: (tx: Tx, tenantId: string, userId: string, role: TenantRole) =>
    tx.membership.create({ data: { tenantId, userId, role, grantedBySso: true } }),

  setMembershipRole: (tx: Tx, tenantId: string, userId: string, role: TenantRole) =>
    tx.membership.update({ where: { tenantId_userId: { tenantId, userId } }, data: { role } }),

  removeMembership: (tx: Tx, tenantId: string, userId: string) =>
    tx.membership.delete({ where: { tenantId_userId: { tenantId, userId } } }),
};
