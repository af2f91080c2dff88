'use client';

import { useRunMember } from '@/features/runs/use-run-member';
import { hasRole } from '@/features/settings/roles';

/** Whether you may change the tenant's resources and resource types (DEVELOPER and up, as the API judges). */
export function useCanWrite(tenant: string): boolean {
  const member = useRunMember(tenant);
  return member ? hasRole(member.role, 'DEVELOPER') : false;
}
