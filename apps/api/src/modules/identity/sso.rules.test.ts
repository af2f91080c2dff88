import { describe, expect, it } from 'vitest';
import { groupsOf, hasAnyAccess, keepLastOwners, planMembershipSync, readClaim, rolesFromGroups } from './sso.rules.js';

describe('groupsOf', () => {
  it('reads a list, a single string, or a dotted path, and ignores anything else', () => {
    expect(groupsOf({ groups: ['a', 'b', 'a', 7, ''] }, 'groups')).toEqual(['a', 'b']);
    expect(groupsOf({ groups: 'ops' }, 'groups')).toEqual(['ops']);
    expect(groupsOf({ realm_access: { roles: ['dev'] } }, 'realm_access.roles')).toEqual(['dev']);
    expect(groupsOf({ 'https://corp/groups': ['x'] }, 'https://corp/groups')).toEqual(['x']);
    expect(groupsOf({ groups: { a: 1 } }, 'groups')).toEqual([]);
    expect(groupsOf({}, 'groups')).toEqual([]);
    expect(readClaim({ a: 'text' }, 'a.b')).toBeUndefined();
  });
});

describe('rolesFromGroups', () => {
  it('gives each tenant the highest role of the groups the user is in', () => {
    const roles = rolesFromGroups(
      ['devs', 'leads'],
      [
        { tenantId: 't1', group: 'devs', role: 'DEVELOPER' },
        { tenantId: 't1', group: 'leads', role: 'ADMIN' },
        { tenantId: 't1', group: 'owners', role: 'OWNER' },
        { tenantId: 't2', group: 'devs', role: 'VIEWER' },
      ],
    );
    expect(Object.fromEntries(roles)).toEqual({ t1: 'ADMIN', t2: 'VIEWER' });
  });
});

describe('planMembershipSync', () => {
  it('creates and changes what the mapping grants, removes what it no longer does, leaves roles given by hand', () => {
    const current = [
      { tenantId: 'sso-changed', role: 'VIEWER' as const, grantedBySso: true },
      { tenantId: 'sso-gone', role: 'DEVELOPER' as const, grantedBySso: true },
      { tenantId: 'by-hand', role: 'VIEWER' as const, grantedBySso: false },
      { tenantId: 'by-hand-unmapped', role: 'OWNER' as const, grantedBySso: false },
    ];
    const desired = new Map([
      ['sso-changed', 'ADMIN' as const],
      ['new', 'DEVELOPER' as const],
      ['by-hand', 'OWNER' as const],
    ]);
    const plan = planMembershipSync(current, desired);
    expect(plan).toEqual({
      create: [{ tenantId: 'new', role: 'DEVELOPER' }],
      update: [{ tenantId: 'sso-changed', role: 'ADMIN' }],
      remove: ['sso-gone'],
    });
    expect(hasAnyAccess(current, plan, false)).toBe(true);
  });

  it('leaves no access when every role came from groups the user left', () => {
    const current = [{ tenantId: 't', role: 'VIEWER' as const, grantedBySso: true }];
    const plan = planMembershipSync(current, new Map());
    expect(hasAnyAccess(current, plan, false)).toBe(false);
    expect(hasAnyAccess(current, plan, true)).toBe(true);
  });
});

describe('keepLastOwners', () => {
  const current = [
    { tenantId: 'solo', role: 'OWNER' as const, grantedBySso: true },
    { tenantId: 'shared', role: 'OWNER' as const, grantedBySso: true },
    { tenantId: 'dev', role: 'DEVELOPER' as const, grantedBySso: true },
  ];
  const plan = {
    create: [{ tenantId: 'new', role: 'VIEWER' as const }],
    update: [
      { tenantId: 'solo', role: 'VIEWER' as const },
      { tenantId: 'shared', role: 'VIEWER' as const },
    ],
    remove: ['solo', 'dev'],
  };

  it('keeps the role of a tenant whose only OWNER the user is, and lets every other change through', () => {
    const counts = new Map([
      ['solo', 1],
      ['shared', 2],
    ]);
    expect(keepLastOwners(current, plan, counts)).toEqual({
      create: [{ tenantId: 'new', role: 'VIEWER' }],
      update: [{ tenantId: 'shared', role: 'VIEWER' }],
      remove: ['dev'],
    });
  });

  it('changes nothing when no tenant would be left without an OWNER', () => {
    const counts = new Map([
      ['solo', 2],
      ['shared', 3],
    ]);
    expect(keepLastOwners(current, plan, counts)).toEqual(plan);
  });
});
