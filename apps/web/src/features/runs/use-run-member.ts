'use client';

import type { TenantRoleName } from '@cyclone/domain';
import { useMe } from '@/features/auth/session';
import { useTenants } from '@/lib/current-tenant';

/** Who you are in the run's tenant, as the API judges a decision (a platform admin counts as OWNER). */
export function useRunMember(tenant: string): { role: TenantRoleName; email: string } | undefined {
  const me = useMe(true).data?.me;
  const tenants = useTenants().data;
  if (!me) return undefined;
  const role = me.isAdmin ? 'OWNER' : tenants?.find((entry) => entry.name === tenant)?.myRole;
  return role ? { role, email: me.email } : undefined;
}
