import type { TenantRole } from '../../generated/prisma/enums.js';

/** Higher rank includes every right of the lower ones. */
const RANK: Record<TenantRole, number> = { VIEWER: 0, DEVELOPER: 1, ADMIN: 2, OWNER: 3 };

export function hasRole(actual: TenantRole, required: TenantRole): boolean {
  return RANK[actual] >= RANK[required];
}
