import { describe, expect, it } from 'vitest';
import { assignableRoles, canAdminister, hasRole } from './roles';

describe('tenant roles in the UI', () => {
  it('orders roles OWNER > ADMIN > DEVELOPER > VIEWER', () => {
    expect(hasRole('OWNER', 'ADMIN')).toBe(true);
    expect(hasRole('DEVELOPER', 'ADMIN')).toBe(false);
    expect(hasRole('VIEWER', 'VIEWER')).toBe(true);
    expect(hasRole(null, 'VIEWER')).toBe(false);
    expect(hasRole('SUPERUSER', 'VIEWER')).toBe(false);
  });

  it('lets only ADMIN and up administer', () => {
    expect(canAdminister('ADMIN')).toBe(true);
    expect(canAdminister('DEVELOPER')).toBe(false);
  });

  it('offers OWNER only to owners', () => {
    expect(assignableRoles('OWNER')).toContain('OWNER');
    expect(assignableRoles('ADMIN')).toEqual(['ADMIN', 'DEVELOPER', 'VIEWER']);
    expect(assignableRoles('VIEWER')).toEqual([]);
  });
});
