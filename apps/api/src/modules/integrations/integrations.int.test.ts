import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const FIELDS = 'id name type description config secretFields createdAt updatedAt';
const CREATE = `mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($input: UpdateIntegrationInput!) { updateIntegration(input: $input) { ${FIELDS} } }`;
const DELETE = 'mutation($input: IntegrationRefInput!) { deleteIntegration(input: $input) }';
const TEST =
  'mutation($input: IntegrationRefInput!) { testIntegration(input: $input) { ok stage code message latencyMs checkedAt } }';
const LIST = `query($tenant: String!, $type: IntegrationType) { integrations(tenant: $tenant, type: $type) { ${FIELDS} } }`;
const GET = `query($tenant: String!, $name: String!) { integration(tenant: $tenant, name: $name) { ${FIELDS} } }`;
const CREATE_RESOURCE = 'mutation($input: CreateResourceInput!) { createResource(input: $input) { name integration } }';

const TOKEN = 'ghp_S3cr3t-value-that-must-never-leak';
const PASSWORD = 'hunter2-Pa55word-never-leak';

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };
const code = (r: Result) => r.errors?.[0]?.extensions?.code;
const message = (r: Result) => r.errors?.[0]?.message;

describe('integrations', () => {
  let api: TestApi;
  let admin: string;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let outsider: Awaited<ReturnType<typeof seedTenant>>;
  let db: Db;
  let httpServer: Server;
  let serverUrl: string;
  const responses: string[] = [];
  const record = (r: Result) => {
    responses.push(JSON.stringify(r));
    return r;
  };

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['ADMIN', 'DEVELOPER', 'VIEWER'] });
    outsider = await seedTenant(api, admin, 'other', { projects: ['app'], roles: ['OWNER'] });
    db = createPrismaClient(api.databaseUrl);
    httpServer = createServer((req, res) => {
      res.statusCode = req.url === '/broken' ? 503 : 401;
      res.end('no');
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    serverUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    httpServer.close();
    await db.$disconnect();
    await api.stop();
  });

  it('creates an integration, encrypts its secret at rest and never returns it', async () => {
    const created = record(
      await api.graphql(
        CREATE,
        {
          input: {
            tenant: 'acme',
            name: 'github',
            type: 'GITHUB',
            description: 'GitHub.com',
            config: { username: 'bot' },
            secret: { token: TOKEN, webhookSecret: PASSWORD },
          },
        },
        roles.ADMIN,
      ),
    );
    expect(created.errors).toBeUndefined();
    expect(created.data).toMatchObject({
      createIntegration: {
        name: 'github',
        type: 'GITHUB',
        description: 'GitHub.com',
        config: { server: 'https://api.github.com', username: 'bot' },
        secretFields: ['token', 'webhookSecret'],
      },
    });
    const row = await db.integration.findFirstOrThrow({ where: { name: 'github' } });
    expect(row.secretCiphertext).toMatch(/^v1:/);
    expect(row.secretCiphertext).not.toContain(TOKEN);
    expect(Buffer.from(row.secretCiphertext.split(':')[3] ?? '', 'base64').toString('latin1')).not.toContain('S3cr3t');
    expect(JSON.stringify(row.config)).not.toContain(TOKEN);

    record(await api.graphql(LIST, { tenant: 'acme' }, roles.VIEWER));
    record(await api.graphql(GET, { tenant: 'acme', name: 'github' }, roles.VIEWER));
    const audit = await db.auditEvent.findMany({ where: { objectType: 'Integration' } });
    expect(audit.find((a) => a.action === 'integration.create' && a.outcome === 'SUCCESS')).toBeDefined();
    expect(JSON.stringify(audit.map((a) => a.message))).not.toContain(TOKEN);
  });

  it('validates config and secret per type, naming the field', async () => {
    const bad = async (input: Record<string, unknown>) =>
      record(await api.graphql(CREATE, { input: { tenant: 'acme', name: 'x', ...input } }, roles.ADMIN));
    const unknownSecret = await bad({
      type: 'GITLAB',
      config: { server: 'https://gitlab.example' },
      secret: { tokn: TOKEN },
    });
    expect(code(unknownSecret)).toBe('BAD_USER_INPUT');
    expect(unknownSecret.errors?.[0]?.extensions?.field).toBe('input.secret.tokn');
    expect(message(unknownSecret)).not.toContain(TOKEN);
    expect(message(await bad({ type: 'GITLAB', config: {} }))).toMatch(/^input\.config\.server: /);
    expect(message(await bad({ type: 'HARBOR', config: { server: 'ftp://x' } }))).toMatch(
      /^input\.config\.server: .*URL/,
    );
    expect(message(await bad({ type: 'GITHUB', config: { colour: 'red' } }))).toMatch(
      /^input\.config\.colour: unknown key/,
    );
    expect(message(await bad({ type: 'GITHUB', secret: { token: 42 } }))).toMatch(/^input\.secret\.token: /);
    expect(message(await bad({ type: 'KUBERNETES' }))).toMatch(/^input\.secret\.kubeconfig: .*inCluster/);
    expect(message(await bad({ type: 'GITHUB', name: 'Not_A_Label' }))).toMatch(/^input\.name: /);
    expect(code(await bad({ type: 'KUBERNETES', name: 'cluster', config: { inCluster: true } }))).toBeUndefined();
    expect(
      code(await bad({ type: 'GENERAL', name: 'misc', config: { anything: [1] }, secret: { apiKey: 'k' } })),
    ).toBeUndefined();
    const dockerHub = await bad({ type: 'DOCKER_HUB', name: 'hub' });
    expect(dockerHub.data).toMatchObject({ createIntegration: { config: { server: 'https://registry-1.docker.io' } } });
  });

  it('updates secrets key by key: given replace, null removes, others stay', async () => {
    const updated = record(
      await api.graphql(
        UPDATE,
        { input: { tenant: 'acme', name: 'github', secret: { password: PASSWORD, webhookSecret: null } } },
        roles.ADMIN,
      ),
    );
    expect(updated.data).toMatchObject({ updateIntegration: { secretFields: ['password', 'token'] } });
    const config = record(
      await api.graphql(
        UPDATE,
        {
          input: { tenant: 'acme', name: 'github', description: 'changed', config: { server: 'https://ghe.example' } },
        },
        roles.ADMIN,
      ),
    );
    expect(config.data).toMatchObject({
      updateIntegration: {
        description: 'changed',
        config: { server: 'https://ghe.example' },
        secretFields: ['password', 'token'],
      },
    });
    const unknown = record(
      await api.graphql(
        UPDATE,
        { input: { tenant: 'acme', name: 'github', secret: { kubeconfig: 'x' } } },
        roles.ADMIN,
      ),
    );
    expect(unknown.errors?.[0]?.extensions?.field).toBe('input.secret.kubeconfig');
    const kube = record(
      await api.graphql(
        UPDATE,
        { input: { tenant: 'acme', name: 'cluster', config: { inCluster: false } } },
        roles.ADMIN,
      ),
    );
    expect(message(kube)).toMatch(/^input\.secret\.kubeconfig: /);
  });

  it('lets only ADMIN and above write, and hides the tenant from non-members', async () => {
    const input = { tenant: 'acme', name: 'gl', type: 'GITLAB', config: { server: 'https://gitlab.example' } };
    expect(code(await api.graphql(CREATE, { input }, roles.DEVELOPER))).toBe('FORBIDDEN');
    expect(code(await api.graphql(CREATE, { input }, roles.VIEWER))).toBe('FORBIDDEN');
    expect(code(await api.graphql(CREATE, { input }, outsider.OWNER))).toBe('NOT_FOUND');
    expect(code(await api.graphql(LIST, { tenant: 'acme' }, outsider.OWNER))).toBe('NOT_FOUND');
    expect(code(await api.graphql(GET, { tenant: 'acme', name: 'github' }, outsider.OWNER))).toBe('NOT_FOUND');
    expect(code(await api.graphql(DELETE, { input: { tenant: 'acme', name: 'github' } }, roles.VIEWER))).toBe(
      'FORBIDDEN',
    );
    expect(code(await api.graphql(LIST, { tenant: 'acme' }))).toBe('UNAUTHENTICATED');
    const failures = await db.auditEvent.count({ where: { action: 'integration.create', outcome: 'FAILURE' } });
    expect(failures).toBeGreaterThan(0);
    expect(await db.integration.count({ where: { name: 'gl' } })).toBe(0);
  });

  it('lists by type', async () => {
    const list = await api.graphql<{ integrations: { name: string }[] }>(
      LIST,
      { tenant: 'acme', type: 'GITHUB' },
      roles.VIEWER,
    );
    expect(list.data?.integrations.map((i) => i.name)).toEqual(['github']);
    const all = await api.graphql<{ integrations: { name: string }[] }>(LIST, { tenant: 'acme' }, roles.VIEWER);
    expect(all.data?.integrations.map((i) => i.name)).toEqual(['cluster', 'github', 'hub', 'misc']);
  });

  it('binds only integrations of the same tenant to resources, and refuses to delete one in use', async () => {
    const foreign = await api.graphql(
      CREATE_RESOURCE,
      {
        input: {
          tenant: 'other',
          project: 'app',
          name: 'repo',
          type: 'GIT',
          parameters: [{ name: 'SCM_URL', value: 'https://github.com/o/r.git' }],
          integration: 'github',
        },
      },
      outsider.OWNER,
    );
    expect(foreign.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.integration' } });

    const bound = await api.graphql(
      CREATE_RESOURCE,
      {
        input: {
          tenant: 'acme',
          project: 'web',
          name: 'repo',
          type: 'GIT',
          parameters: [{ name: 'SCM_URL', value: 'https://github.com/o/r.git' }],
          integration: 'github',
        },
      },
      roles.DEVELOPER,
    );
    expect(bound.data).toEqual({ createResource: { name: 'repo', integration: 'github' } });
    const refused = await api.graphql(DELETE, { input: { tenant: 'acme', name: 'github' } }, roles.ADMIN);
    expect(code(refused)).toBe('CONFLICT');
    expect(message(refused)).toContain('resource web/repo');
    expect(await db.integration.count({ where: { name: 'github' } })).toBe(1);

    expect((await api.graphql(DELETE, { input: { tenant: 'acme', name: 'hub' } }, roles.ADMIN)).data).toEqual({
      deleteIntegration: true,
    });
    expect(code(await api.graphql(DELETE, { input: { tenant: 'acme', name: 'hub' } }, roles.ADMIN))).toBe('NOT_FOUND');
  });

  it('tests reachability of a GENERAL server and reports failures by stage', async () => {
    const make = (name: string, server: string) =>
      api.graphql(CREATE, { input: { tenant: 'acme', name, type: 'GENERAL', config: { server } } }, roles.ADMIN);
    await make('up', serverUrl);
    await make('broken', `${serverUrl}/broken`);
    await make('nodns', 'https://no-such-host.invalid');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await make('refused', `http://127.0.0.1:${closedPort}`);
    const run = async (name: string) =>
      (
        await api.graphql<{ testIntegration: { ok: boolean; message: string } }>(
          TEST,
          { input: { tenant: 'acme', name } },
          roles.DEVELOPER,
        )
      ).data?.testIntegration;
    expect(await run('up')).toMatchObject({
      ok: true,
      stage: 'RESPONSE',
      code: 'OK',
      message: expect.stringMatching(/HTTP 401 \(reachability only/),
    });
    expect(await run('broken')).toMatchObject({
      ok: false,
      stage: 'RESPONSE',
      code: 'HTTP_503',
      message: expect.stringContaining('HTTP 503'),
    });
    expect(await run('nodns')).toMatchObject({
      ok: false,
      stage: 'DNS',
      message: expect.stringMatching(/DNS lookup of no-such-host.invalid failed/),
    });
    expect(await run('refused')).toMatchObject({
      ok: false,
      stage: 'CONNECT',
      code: 'ECONNREFUSED',
      message: expect.stringContaining('refused the connection'),
    });
    expect(code(await api.graphql(TEST, { input: { tenant: 'acme', name: 'up' } }, roles.VIEWER))).toBe('FORBIDDEN');
  });

  it('never shows a secret value in any response or audit row', async () => {
    for (const text of responses) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(PASSWORD);
    }
    const everything = JSON.stringify(await db.auditEvent.findMany(), (_k, v) =>
      typeof v === 'bigint' ? String(v) : v,
    );
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(PASSWORD);
  });

  it('goes away with its tenant, even while resources of that tenant use it', async () => {
    expect(await db.resource.count({ where: { integration: { name: 'github' } } })).toBe(1);
    const deleted = await api.graphql('mutation { deleteTenant(name: "acme") }', {}, admin);
    expect(deleted.errors).toBeUndefined();
    expect(await db.integration.count({ where: { tenant: { name: 'acme' } } })).toBe(0);
    expect(await db.integration.count()).toBe(0);
  });
});
