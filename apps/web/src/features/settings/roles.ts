import type { TenantRole } from './settings.documents';

const RANK: Record<TenantRole, number> = { VIEWER: 0, DEVELOPER: 1, ADMIN: 2, OWNER: 3 };

function isRole(value: string | null | undefined): value is TenantRole {
  return value != null && Object.hasOwn(RANK, value);
}

/** Whether `role` is at least `needed` (OWNER > ADMIN > DEVELOPER > VIEWER). */
export function hasRole(role: string | null | undefined, needed: TenantRole): boolean {
  return isRole(role) && RANK[role] >= RANK[needed];
}

/** Members, settings and the audit log are for ADMIN and up. */
export function canAdminister(role: string | null | undefined): boolean {
  return hasRole(role, 'ADMIN');
}

/**
 * Roles `actor` may give or take away: ADMINs manage everyone below OWNER, only an OWNER
 * touches OWNER roles (mirrors the API, which has the last word).
 */
export function assignableRoles(actor: string | null | undefined): TenantRole[] {
  if (!canAdminister(actor)) return [];
  return actor === 'OWNER' ? ['OWNER', 'ADMIN', 'DEVELOPER', 'VIEWER'] : ['ADMIN', 'DEVELOPER', 'VIEWER'];
}
