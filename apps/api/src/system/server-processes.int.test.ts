import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpawnedApi, spawnApi } from '../testing/spawn-api.js';
import { TEST_ADMIN } from '../testing/test-api.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { waitFor } from '../testing/wait.js';
import { isProcessAlive } from './process-alive.js';

/** The children of `pid` (its server processes). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

/**
 * CYCLONE_SERVER_PROCESSES=2 with the real entry point: two server processes share one
 * port, each request on a new connection may land on either, and what one writes the
 * other reads at once (sessions and the query cache's data versions live in Postgres).
 */
describe('several server processes on one port', () => {
  let database: TestDatabase;
  let api: SpawnedApi;
  let token: string;

  /** A new connection per request, so Node's round-robin spreads them over the processes. */
  const post = async (query: string, variables?: Record<string, unknown>, bearer = token) => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, connection: 'close' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };
  const graphqlRequests = async () => {
    const text = await (await fetch(`${api.url}/metrics`, { headers: { connection: 'close' } })).text();
    const line = text
      .split('\n')
      .find((l) => /^cyclone_http_requests_total\{.*route="\/graphql".*status="200"/.test(l));
    return Number(line?.split(' ').at(-1) ?? 0);
  };
  const ready = () =>
    api
      .output()
      .split('\n')
      .filter((l) => l.includes('"cyclone api ready"')).length;

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await spawnApi({
      DATABASE_URL: database.url,
      CYCLONE_ROLE: 'server',
      CYCLONE_SERVER_PROCESSES: '2',
      CYCLONE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      CYCLONE_ADMIN_EMAIL: TEST_ADMIN.email,
      CYCLONE_ADMIN_PASSWORD: TEST_ADMIN.password,
    });
    await waitFor(() => ready() === 2, { timeoutMs: 120_000, what: 'two server processes ready' });
    const login = await post(
      'mutation($input: LoginInput!) { login(input: $input) { token } }',
      { input: TEST_ADMIN },
      '',
    );
    token = (login.data as { login: { token: string } }).login.token;
  }, 180_000);

  afterAll(async () => {
    await api?.crash();
    await database?.drop();
  });

  it('runs two processes under one primary, and what one writes every request reads', async () => {
    expect(childrenOf(api.pid)).toHaveLength(2);
    const created = await post('mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }', {
      input: { name: 'acme' },
    });
    expect(created.errors).toBeUndefined();
    for (let i = 0; i < 6; i++) {
      const read = await post('{ tenants { name } }');
      expect((read.data as { tenants: { name: string }[] }).tenants.map((t) => t.name)).toContain('acme');
    }
  });

  it("answers /metrics with every process's counts, whichever process takes the scrape", async () => {
    const before = await graphqlRequests();
    for (let i = 0; i < 10; i++) await post('{ me { email } }');
    // Consecutive scrapes land on both processes: each must see all ten.
    for (let i = 0; i < 4; i++) expect(await graphqlRequests()).toBe(before + 10);
  });

  it('starts another process when one dies, and keeps serving meanwhile', async () => {
    const [victim, survivor] = childrenOf(api.pid) as [number, number];
    process.kill(victim, 'SIGKILL');
    await waitFor(() => !isProcessAlive(victim), { what: 'the killed process gone' });
    // The survivor alone serves until the replacement is up.
    expect((await post('{ me { email } }')).data?.me).toEqual({ email: TEST_ADMIN.email });
    await waitFor(() => ready() === 3, { timeoutMs: 120_000, what: 'a replacement process ready' });
    const now = childrenOf(api.pid);
    expect(now).toHaveLength(2);
    expect(now).toContain(survivor);
    expect(now).not.toContain(victim);
    expect(api.output()).toContain('a server process died; starting another');
  }, 150_000);

  it('stops every process on SIGTERM, and exits 0', async () => {
    const workers = childrenOf(api.pid);
    await api.stop();
    expect(api.child.exitCode).toBe(0);
    for (const pid of workers) expect(isProcessAlive(pid)).toBe(false);
    expect(api.output()).toContain('every server process stopped');
    expect(api.output()).not.toContain('shutdown took too long');
  }, 60_000);
});
