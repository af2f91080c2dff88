// The outbound policy through the real API: a tenant points integrations at
// addresses inside the platform (other loopback addresses, the metadata service,
// a token realm or a redirect that leads there) and learns nothing from them.
// Only loopback is ever contacted: names are pointed at other addresses through
// the API's resolver hook, and refusals happen before any connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import type { ResolvedAddress } from './outbound-policy.js';

const CREATE = 'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id name } }';
const TEST = 'mutation($input: IntegrationRefInput!) { testIntegration(input: $input) { ok stage code message } }';
const REPOS =
  'query($tenant: String!, $name: String!) { integration(tenant: $tenant, name: $name) { scmRepositories { name } } }';

/** What the test resolver answers; any other name does not exist (no real DNS is asked). */
const NAMES: Record<string, ResolvedAddress[]> = {
  'internal.test': [{ address: '127.0.0.2', family: 4 }],
  'mapped.test': [{ address: '::ffff:127.0.0.2', family: 6 }],
  'metadata.test': [{ address: '169.254.169.254', family: 4 }],
  'allowed.test': [{ address: '127.0.0.1', family: 4 }],
};
const lookups: string[] = [];
async function resolve(hostname: string): Promise<ResolvedAddress[]> {
  lookups.push(hostname);
  const found = NAMES[hostname];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return found;
}

interface Counted {
  server: Server;
  port: number;
  connections: number;
  url: string;
}

const servers: Counted[] = [];
async function countingServer(host: string, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const counted = { connections: 0 } as Counted;
  counted.server = createServer(handler);
  counted.server.on('connection', () => {
    counted.connections += 1;
  });
  await new Promise<void>((done) => counted.server.listen(0, host, done));
  counted.port = (counted.server.address() as AddressInfo).port;
  counted.url = `http://${host}:${counted.port}`;
  servers.push(counted);
  return counted;
}

describe('outbound policy', () => {
  let api: TestApi;
  let admin: string;
  /** Listens on 127.0.0.2, which the allow-list (127.0.0.1/32) does not name. */
  let inside: Counted;
  /** Listens on 127.0.0.1: the tenant's "external" server. */
  let outside: Counted;
  let counter = 0;

  const create = async (type: string, config: Record<string, unknown>, secret: Record<string, string> = {}) => {
    counter += 1;
    const name = `i${counter}`;
    const result = await api.graphql(CREATE, { input: { tenant: 'sec', name, type, config, secret } }, admin);
    expect(result.errors).toBeUndefined();
    return name;
  };
  const test = async (name: string) => {
    const result = await api.graphql<{
      testIntegration: { ok: boolean; stage: string; code: string; message: string };
    }>(TEST, { input: { tenant: 'sec', name } }, admin);
    expect(result.errors).toBeUndefined();
    return result.data?.testIntegration;
  };

  beforeAll(async () => {
    api = await startTestApi({ CYCLONE_OUTBOUND_ALLOW: '127.0.0.1/32' }, { resolve });
    admin = await api.loginAsAdmin();
    await seedTenant(api, admin, 'sec');
    inside = await countingServer('127.0.0.2', (_req, res) => res.end('internal answer'));
    outside = await countingServer('127.0.0.1', (req, res) => {
      if (req.url?.startsWith('/v2/')) {
        // A registry whose token realm is inside the platform.
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://internal.test:${inside.port}/token"` });
        return res.end();
      }
      if (req.url?.startsWith('/redirect-inside/')) {
        res.writeHead(302, { location: `http://127.0.0.2:${inside.port}/latest/meta-data` });
        return res.end();
      }
      if (req.url?.startsWith('/redirect-metadata/')) {
        res.writeHead(302, { location: 'http://metadata.test/latest/meta-data' });
        return res.end();
      }
      if (req.url?.startsWith('/leaky/')) {
        res.writeHead(500, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ message: 'db password is internal-secret-7f3a' }));
      }
      res.end('ok');
    });
  });
  afterAll(async () => {
    for (const { server } of servers) {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
    await api.stop();
  });

  it('refuses a name that resolves to another loopback address before connecting', async () => {
    const result = await test(await create('GENERAL', { server: `http://internal.test:${inside.port}` }));
    expect(result).toMatchObject({ ok: false, stage: 'CONNECT', code: 'OUTBOUND_REFUSED' });
    expect(result?.message).toMatch(/internal\.test resolves to a loopback address/);
    expect(result?.message).not.toContain('internal answer');
    expect(lookups).toContain('internal.test');
    expect(inside.connections).toBe(0);
    // The server was there all along: the name would have reached it.
    expect(await (await fetch(inside.url)).text()).toBe('internal answer');
    inside.connections = 0;
  });

  it('refuses 127.0.0.2 and its other spellings while 127.0.0.1/32 is allowed', async () => {
    expect(await test(await create('GENERAL', { server: outside.url }))).toMatchObject({ ok: true });
    expect(await test(await create('GENERAL', { server: `http://allowed.test:${outside.port}` }))).toMatchObject({
      ok: true,
    });
    for (const server of [
      `http://127.0.0.2:${inside.port}`,
      `http://[::ffff:127.0.0.2]:${inside.port}`,
      `http://mapped.test:${inside.port}`,
      `http://0.0.0.0:${inside.port}`,
      `http://[::]:${inside.port}`,
      `http://[::1]:${inside.port}`,
    ]) {
      const result = await test(await create('GENERAL', { server }));
      expect(result, server).toMatchObject({ ok: false, code: 'OUTBOUND_REFUSED' });
    }
    expect(inside.connections).toBe(0);
  });

  it('refuses a name pointed at the link-local metadata address without a connection attempt', async () => {
    const result = await test(await create('GENERAL', { server: 'http://metadata.test/latest/meta-data' }));
    expect(result).toMatchObject({ ok: false, code: 'OUTBOUND_REFUSED' });
    expect(result?.message).toMatch(/metadata\.test resolves to a link-local address/);
  });

  it('checks every redirect hop: an allowed server cannot bounce the API inside', async () => {
    for (const [path, expected] of [
      ['redirect-inside', /127\.0\.0\.2 is a loopback address/],
      ['redirect-metadata', /metadata\.test resolves to a link-local address/],
    ] as const) {
      const name = await create('GITHUB', { server: `${outside.url}/${path}` }, { token: 'gh-token' });
      const result = await api.graphql(REPOS, { tenant: 'sec', name }, admin);
      expect(result.errors?.[0]?.message, path).toMatch(expected);
    }
    expect(inside.connections).toBe(0);
  });

  it('refuses a registry token realm inside the platform', async () => {
    const name = await create('DOCKER_REGISTRY', { server: outside.url, username: 'u' }, { password: 'p' });
    const result = await test(name);
    expect(result).toMatchObject({ ok: false, code: 'OUTBOUND_REFUSED' });
    expect(result?.message).toMatch(/internal\.test resolves to a loopback address/);
    expect(inside.connections).toBe(0);
  });

  it('refuses a kubeconfig server inside the platform', async () => {
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: c, cluster: {server: "https://internal.test:${inside.port}"}}]`,
      'users: [{name: u, user: {token: kube-token}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n');
    const result = await test(await create('KUBERNETES', {}, { kubeconfig }));
    expect(result).toMatchObject({ ok: false, code: 'OUTBOUND_REFUSED' });
    expect(inside.connections).toBe(0);
  });

  it('checks the host of git and svn checks before the tool runs', async () => {
    for (const type of ['GIT', 'SVN']) {
      const result = await test(await create(type, { server: `http://internal.test:${inside.port}/team/app` }));
      expect(result, type).toMatchObject({ ok: false, code: 'OUTBOUND_REFUSED' });
    }
    expect(inside.connections).toBe(0);
  });

  it('shows the status and its standard reason, never the body of an error answer', async () => {
    const name = await create('GITHUB', { server: `${outside.url}/leaky` }, { token: 'gh-token' });
    const result = await api.graphql(REPOS, { tenant: 'sec', name }, admin);
    const message = result.errors?.[0]?.message ?? '';
    expect(message).toMatch(/answered 500: Internal Server Error/);
    expect(message).not.toContain('internal-secret');
    expect(JSON.stringify(result)).not.toContain('internal-secret');
  });
});
