import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { createUserAndLogin } from '../../testing/users.js';

const CREATE_USER = 'mutation($input: CreateUserInput!) { createUser(input: $input) { email name isAdmin } }';
const CREATE_TENANT = `mutation($input: CreateTenantInput!) {
  createTenant(input: $input) { name namespace quota { cpu memory maxConcurrentRuns } myRole members { user { email } role } }
}`;
const UPDATE_TENANT =
  'mutation($input: UpdateTenantInput!) { updateTenant(input: $input) { description quota { cpu memory maxConcurrentRuns } } }';
const ADD = 'mutation($input: AddTenantMemberInput!) { addTenantMember(input: $input) { user { email } role } }';
const UPDATE = 'mutation($input: UpdateTenantMemberInput!) { updateTenantMember(input: $input) { role } }';
const REMOVE = 'mutation($input: RemoveTenantMemberInput!) { removeTenantMember(input: $input) }';
const DELETE = 'mutation($name: String!) { deleteTenant(name: $name) }';

describe('users and tenants', () => {
  let api: TestApi;
  let admin: string;
  let alice: string;
  let bob: string;
  let db: Db;
  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.loginAsAdmin();
    alice = await createUserAndLogin(api, admin, 'alice@example.test');
    bob = await createUserAndLogin(api, admin, 'bob@example.test');
    db = createPrismaClient(api.databaseUrl);
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.stop();
  });

  const code = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.[0]?.extensions?.code;

  it('lets only platform administrators create and list users, with checked input', async () => {
    const created = await api.graphql(
      CREATE_USER,
      { input: { email: ' Carol@Example.TEST ', password: 'long-enough' } },
      admin,
    );
    expect(created.data).toEqual({ createUser: { email: 'carol@example.test', name: 'carol', isAdmin: false } });
    const duplicate = await api.graphql(
      CREATE_USER,
      { input: { email: 'carol@example.test', password: 'long-enough' } },
      admin,
    );
    expect(code(duplicate)).toBe('CONFLICT');
    const short = await api.graphql(CREATE_USER, { input: { email: 'dan@example.test', password: 'short' } }, admin);
    expect(short.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.password' } });
    const badEmail = await api.graphql(
      CREATE_USER,
      { input: { email: 'not-an-email', password: 'long-enough' } },
      admin,
    );
    expect(badEmail.errors?.[0]?.message).toMatch(/^input\.email: /);
    expect(
      code(await api.graphql(CREATE_USER, { input: { email: 'e@example.test', password: 'long-enough' } }, alice)),
    ).toBe('FORBIDDEN');
    expect(code(await api.graphql('{ users { email } }', {}, alice))).toBe('FORBIDDEN');
    const users = await api.graphql<{ users: { email: string }[] }>('{ users { email } }', {}, admin);
    expect(users.data?.users.map((u) => u.email)).toContain('carol@example.test');
  });

  it('runs a tenant through its life: create, quota, members, the last-owner rule, delete', async () => {
    const created = await api.graphql(
      CREATE_TENANT,
      { input: { name: 'team-a', quota: { cpu: '2', memory: '4Gi', maxConcurrentRuns: 3 } } },
      admin,
    );
    expect(created.data).toEqual({
      createTenant: {
        name: 'team-a',
        namespace: 'cyclone-team-a',
        quota: { cpu: '2', memory: '4Gi', maxConcurrentRuns: 3 },
        myRole: 'OWNER',
        members: [{ user: { email: 'admin@cyclone.test' }, role: 'OWNER' }],
      },
    });
    expect(code(await api.graphql(CREATE_TENANT, { input: { name: 'team-a' } }, admin))).toBe('CONFLICT');
    expect(code(await api.graphql(CREATE_TENANT, { input: { name: 'team-b' } }, alice))).toBe('FORBIDDEN');
    const badName = await api.graphql(CREATE_TENANT, { input: { name: 'Team_A' } }, admin);
    expect(badName.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.name' } });
    const badQuota = await api.graphql(CREATE_TENANT, { input: { name: 'team-q', quota: { memory: '4GB' } } }, admin);
    expect(badQuota.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.quota.memory' } });

    // Alice becomes ADMIN; an ADMIN cannot grant OWNER; unknown emails are named.
    expect(
      (await api.graphql(ADD, { input: { tenant: 'team-a', email: 'alice@example.test', role: 'ADMIN' } }, admin)).data,
    ).toEqual({
      addTenantMember: { user: { email: 'alice@example.test' }, role: 'ADMIN' },
    });
    const grantOwner = await api.graphql(
      ADD,
      { input: { tenant: 'team-a', email: 'bob@example.test', role: 'OWNER' } },
      alice,
    );
    expect(code(grantOwner)).toBe('FORBIDDEN');
    const unknown = await api.graphql(
      ADD,
      { input: { tenant: 'team-a', email: 'nobody@example.test', role: 'VIEWER' } },
      alice,
    );
    expect(unknown.errors?.[0]).toMatchObject({
      message: 'user "nobody@example.test" was not found',
      extensions: { code: 'NOT_FOUND' },
    });
    expect(
      code(await api.graphql(ADD, { input: { tenant: 'team-a', email: 'alice@example.test', role: 'VIEWER' } }, admin)),
    ).toBe('CONFLICT');
    expect(
      (await api.graphql(ADD, { input: { tenant: 'team-a', email: 'bob@example.test', role: 'VIEWER' } }, alice))
        .errors,
    ).toBeUndefined();

    // ADMINs edit the description; the quota only platform administrators (null removes a limit);
    // VIEWERs cannot; non-members see nothing.
    const described = await api.graphql(UPDATE_TENANT, { input: { name: 'team-a', description: 'the A team' } }, alice);
    expect(described.data).toEqual({
      updateTenant: { description: 'the A team', quota: { cpu: '2', memory: '4Gi', maxConcurrentRuns: 3 } },
    });
    const updated = await api.graphql(
      UPDATE_TENANT,
      { input: { name: 'team-a', quota: { cpu: '500m', memory: null } } },
      admin,
    );
    expect(updated.data).toEqual({
      updateTenant: { description: 'the A team', quota: { cpu: '500m', memory: null, maxConcurrentRuns: 3 } },
    });
    expect(code(await api.graphql(UPDATE_TENANT, { input: { name: 'team-a', description: 'x' } }, bob))).toBe(
      'FORBIDDEN',
    );
    const tenants = await api.graphql('{ tenants { name myRole } }', {}, bob);
    expect(tenants.data).toEqual({ tenants: [{ name: 'team-a', myRole: 'VIEWER' }] });

    // The last OWNER can be neither demoted nor removed, by anyone.
    const adminEmail = 'admin@cyclone.test';
    const demote = await api.graphql(UPDATE, { input: { tenant: 'team-a', email: adminEmail, role: 'ADMIN' } }, admin);
    expect(demote.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(demote.errors?.[0]?.message).toContain('last OWNER');
    expect(code(await api.graphql(REMOVE, { input: { tenant: 'team-a', email: adminEmail } }, admin))).toBe('CONFLICT');
    expect(
      code(await api.graphql(UPDATE, { input: { tenant: 'team-a', email: adminEmail, role: 'VIEWER' } }, alice)),
    ).toBe('FORBIDDEN');
    // With a second OWNER the first may step down; bob may leave on his own.
    await api.graphql(UPDATE, { input: { tenant: 'team-a', email: 'alice@example.test', role: 'OWNER' } }, admin);
    expect(
      (await api.graphql(UPDATE, { input: { tenant: 'team-a', email: adminEmail, role: 'ADMIN' } }, admin)).errors,
    ).toBeUndefined();
    expect((await api.graphql(REMOVE, { input: { tenant: 'team-a', email: 'bob@example.test' } }, bob)).data).toEqual({
      removeTenantMember: true,
    });
    expect(code(await api.graphql('query($n: String!) { tenant(name: $n) { name } }', { n: 'team-a' }, bob))).toBe(
      'NOT_FOUND',
    );

    expect(code(await api.graphql(DELETE, { name: 'team-a' }, alice))).toBe('FORBIDDEN');
    expect((await api.graphql(DELETE, { name: 'team-a' }, admin)).data).toEqual({ deleteTenant: true });
    expect(await db.tenant.findUnique({ where: { name: 'team-a' } })).toBeNull();
  });

  it("refuses a tenant OWNER lifting its own tenant's quota; members still read it", async () => {
    await api.graphql(
      CREATE_TENANT,
      { input: { name: 'capped', quota: { cpu: '1', memory: '1Gi', maxConcurrentRuns: 1 } } },
      admin,
    );
    await api.graphql(ADD, { input: { tenant: 'capped', email: 'alice@example.test', role: 'OWNER' } }, admin);
    for (const quota of [
      { maxConcurrentRuns: null },
      { maxConcurrentRuns: 10_000 },
      { cpu: '64', memory: null },
      // Pod Security is the platform's setting too: root images and fewer checks.
      { podSecurity: 'BASELINE' },
    ]) {
      const lifted = await api.graphql(UPDATE_TENANT, { input: { name: 'capped', quota } }, alice);
      expect(lifted.errors?.[0], JSON.stringify(quota)).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect(lifted.errors?.[0]?.message).toContain('set by platform administrators');
    }
    // Nothing was half-written, not even the description given with the quota.
    const both = await api.graphql(
      UPDATE_TENANT,
      { input: { name: 'capped', description: 'ours', quota: { maxConcurrentRuns: null } } },
      alice,
    );
    expect(code(both)).toBe('FORBIDDEN');
    const readQuota = async () =>
      (
        await api.graphql(
          'query($n: String!) { tenant(name: $n) { description quota { cpu memory maxConcurrentRuns podSecurity } } }',
          { n: 'capped' },
          alice,
        )
      ).data;
    expect(await readQuota()).toEqual({
      tenant: {
        description: '',
        quota: { cpu: '1', memory: '1Gi', maxConcurrentRuns: 1, podSecurity: 'RESTRICTED' },
      },
    });
    // A platform administrator grants BASELINE; the other limits stay.
    await api.graphql(UPDATE_TENANT, { input: { name: 'capped', quota: { podSecurity: 'BASELINE' } } }, admin);
    expect(await readQuota()).toMatchObject({ tenant: { quota: { cpu: '1', podSecurity: 'BASELINE' } } });
  });

  it('records tenant and user management in the platform audit log', async () => {
    const events = await api.graphql<{
      platformAuditEvents: { edges: { node: { action: string; outcome: string; objectName: string } }[] };
    }>('{ platformAuditEvents(first: 50) { edges { node { action outcome objectName } } } }', {}, admin);
    const seen = events.data?.platformAuditEvents.edges.map((e) => e.node);
    expect(seen).toContainEqual({ action: 'tenant.delete', outcome: 'SUCCESS', objectName: 'team-a' });
    expect(seen).toContainEqual({ action: 'user.create', outcome: 'FAILURE', objectName: 'carol@example.test' });
    expect(code(await api.graphql('{ platformAuditEvents { totalCount } }', {}, alice))).toBe('FORBIDDEN');
  });
});
