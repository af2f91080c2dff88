import { DEFAULT_APPROVER_ROLES, type StageApproval, type TenantRoleName } from './specs.js';

/**
 * Who may decide an approval gate: a user the gate names (by email, any role), or a
 * member whose role the gate names; a gate naming neither takes DEFAULT_APPROVER_ROLES.
 * A gate naming only users takes only them. The API checks it; the web uses it to
 * offer the buttons.
 */
export function mayDecideApproval(
  approval: Pick<StageApproval, 'roles' | 'users'>,
  member: { role: TenantRoleName; email: string },
): boolean {
  const email = member.email.toLowerCase();
  if (approval.users.some((user) => user.toLowerCase() === email)) return true;
  if (approval.roles.length > 0) return approval.roles.includes(member.role);
  return approval.users.length === 0 && DEFAULT_APPROVER_ROLES.includes(member.role);
}

/** Who may decide, in words: "OWNER or ADMIN, or ops@example.com". */
export function approversText(approval: Pick<StageApproval, 'roles' | 'users'>): string {
  const roles = approval.roles.length > 0 || approval.users.length > 0 ? approval.roles : DEFAULT_APPROVER_ROLES;
  const parts = [roles.join(' or '), approval.users.join(', ')].filter((part) => part !== '');
  return parts.join(', or ');
}
