import type { TenantRole } from '../../generated/prisma/enums.js';
import { hasRole } from '../shared/roles.js';

/** A claim by a dotted path (`realm_access.roles`), or a top-level claim whose name has dots. */
export function readClaim(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The groups a claim names: a list of strings, or one string; anything else names none. */
export function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
  const value = readClaim(claims, claim);
  if (typeof value === 'string') return value ? [value] : [];
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((entry): entry is string => typeof entry === 'string' && entry !== ''))];
}

export interface GroupRole {
  tenantId: string;
  group: string;
  role: TenantRole;
}

/** Per tenant, the highest role any of the user's groups is mapped to. */
export function rolesFromGroups(groups: readonly string[], mappings: readonly GroupRole[]): Map<string, TenantRole> {
  const member = new Set(groups);
  const roles = new Map<string, TenantRole>();
  for (const mapping of mappings) {
    if (!member.has(mapping.group)) continue;
    const current = roles.get(mapping.tenantId);
    if (!current || !hasRole(current, mapping.role)) roles.set(mapping.tenantId, mapping.role);
  }
  return roles;
}

export interface CurrentMembership {
  tenantId: string;
  role: TenantRole;
  grantedBySso: boolean;
}

export interface MembershipSync {
  create: { tenantId: string; role: TenantRole }[];
  update: { tenantId: string; role: TenantRole }[];
  remove: string[];
}

/**
 * What a sign-in changes: memberships the group mapping grants are created or set to
 * the mapped role; ones it granted before and no longer does are removed; memberships
 * added by hand stay as they are, whatever the groups say.
 */
export function planMembershipSync(
  current: readonly CurrentMembership[],
  desired: ReadonlyMap<string, TenantRole>,
): MembershipSync {
  const plan: MembershipSync = { create: [], update: [], remove: [] };
  const byTenant = new Map(current.map((membership) => [membership.tenantId, membership]));
  for (const [tenantId, role] of desired) {
    const existing = byTenant.get(tenantId);
    if (!existing) plan.create.push({ tenantId, role });
    else if (existing.grantedBySso && existing.role !== role) plan.update.push({ tenantId, role });
  }
  for (const membership of current) {
    if (membership.grantedBySso && !desired.has(membership.tenantId)) plan.remove.push(membership.tenantId);
  }
  return plan;
}

/**
 * A sync never leaves a tenant without an OWNER: where the user is its only OWNER, their
 * role is neither lowered nor removed (someone must name another OWNER first, as by hand).
 */
export function keepLastOwners(
  current: readonly CurrentMembership[],
  plan: MembershipSync,
  ownerCounts: ReadonlyMap<string, number>,
): MembershipSync {
  const soleOwnerOf = new Set(
    current
      .filter((membership) => membership.role === 'OWNER' && (ownerCounts.get(membership.tenantId) ?? 0) <= 1)
      .map((membership) => membership.tenantId),
  );
  return {
    create: plan.create,
    update: plan.update.filter((change) => !soleOwnerOf.has(change.tenantId)),
    remove: plan.remove.filter((tenantId) => !soleOwnerOf.has(tenantId)),
  };
}

/** What a sign-in leaves the user with: any membership, or platform administration. */
export function hasAnyAccess(current: readonly CurrentMembership[], plan: MembershipSync, isAdmin: boolean): boolean {
  if (isAdmin) return true;
  const removed = new Set(plan.remove);
  return plan.create.length > 0 || current.some((membership) => !removed.has(membership.tenantId));
}
