import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../modules/identity/token.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { createUserAndLogin } from '../../testing/users.js';
import { waitFor } from '../../testing/wait.js';

const LIST = `query List($first: Int!) {
  project(tenant: "acme", name: "shop") {
    workflowsConnection(first: $first) { edges { node { name description runs(first: 5) { id phase } } } }
  }
}`;

interface Sent {
  status: number;
  text: string;
  headers: Record<string, string>;
}

async function post(api: TestApi, query: string, variables: Record<string, unknown>, token?: string): Promise<Sent> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const headers = Object.fromEntries(response.headers.entries());
  return { status: response.status, text: await response.text(), headers };
}

async function counters(api: TestApi): Promise<{ hits: number; misses: number; uncacheable: number }> {
  const text = await fetch(`${api.url}/metrics`).then((r) => r.text());
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    hits: value('cyclone_query_cache_hits_total'),
    misses: value('cyclone_query_cache_misses_total'),
    uncacheable: value('cyclone_query_cache_uncacheable_total'),
  };
}

/** Retries until `check` passes: other processes' writes arrive by notification. Fails with its last failure. */
async function eventually(check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  let failure: unknown;
  const passes = () =>
    check().then(
      () => true,
      (error: unknown) => {
        failure = error;
        return false;
      },
    );
  await waitFor(passes, { what: 'the check to pass', timeoutMs }).catch((timeout: unknown) => {
    throw failure ?? timeout;
  });
}

async function withSql<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createWorkflow(api: TestApi, token: string, name: string): Promise<void> {
  const result = await api.graphql(
    'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
    {
      input: {
        tenant: 'acme',
        project: 'shop',
        name,
        stages: [{ name: 'build', image: 'alpine:3', command: ['true'] }],
      },
    },
    token,
  );
  expect(result.errors).toBeUndefined();
}

describe('query cache (answers kept until the data changes)', () => {
  let api: TestApi;
  let admin: string;

  beforeAll(async () => {
    // A long max age: only invalidation can explain a fresh answer.
    api = await startTestApi({ CYCLONE_QUERY_CACHE_MAX_AGE: '1h' });
    admin = await api.loginAsAdmin();
    await api.graphql('mutation { createTenant(input: {name: "acme"}) { id } }', {}, admin);
    await api.graphql('mutation { createProject(input: {tenant: "acme", name: "shop"}) { id } }', {}, admin);
    await createWorkflow(api, admin, 'api');
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('serves the same bytes and headers again while nothing changes, without executing', async () => {
    const before = await counters(api);
    const executed = await post(api, LIST, { first: 10 }, admin);
    const served = await post(api, LIST, { first: 10 }, admin);
    const after = await counters(api);
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(1);
    expect(JSON.parse(executed.text).data.project.workflowsConnection.edges).toHaveLength(1);
    expect(served.status).toBe(executed.status);
    expect(served.text).toBe(executed.text);
    const perResponse = ['date', 'x-request-id'];
    const headersOf = (sent: Sent) => Object.entries(sent.headers).filter(([name]) => !perResponse.includes(name));
    expect(headersOf(served)).toEqual(headersOf(executed));
    expect(served.headers['content-type']).toBe('application/json; charset=utf-8');
    // Other variables are another answer.
    await post(api, LIST, { first: 1 }, admin);
    expect((await counters(api)).misses - after.misses).toBe(1);
  });

  it('answers a hit before Express with its own request id and counts it, and refuses a body that is not JSON', async () => {
    await post(api, LIST, { first: 10 }, admin);
    const before = await counters(api);
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, 'x-request-id': 'trace-42' },
      body: JSON.stringify({ query: LIST, variables: { first: 10 } }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-42');
    expect((await counters(api)).hits - before.hits).toBe(1);
    const metrics = await fetch(`${api.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/cyclone_http_requests_total\{[^}]*route="\/graphql"[^}]*status="200"[^}]*\} [1-9]/);

    const broken = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: '{"query": ',
    });
    expect(broken.status).toBe(400);
    const refusal = (await broken.json()) as { errors: { extensions: { code: string } }[] };
    expect(refusal.errors[0]?.extensions.code).toBe('BAD_REQUEST');
    expect(broken.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a mutation invalidates: its caller reads its own write at once', async () => {
    await post(api, LIST, { first: 10 }, admin);
    await createWorkflow(api, admin, 'web');
    const names = JSON.parse(
      (await post(api, LIST, { first: 10 }, admin)).text,
    ).data.project.workflowsConnection.edges.map((e: { node: { name: string } }) => e.node.name);
    expect(names).toContain('web');
  });

  it('a raw SQL write by another process invalidates (NOTIFY)', async () => {
    await post(api, LIST, { first: 10 }, admin);
    await post(api, LIST, { first: 10 }, admin);
    await withSql(api.databaseUrl, (sql) =>
      sql.query(`UPDATE workflows SET description = 'changed by SQL' WHERE name = 'api'`),
    );
    await eventually(async () => {
      expect((await post(api, LIST, { first: 10 }, admin)).text).toContain('changed by SQL');
    });
  });

  it('a controller-style run update in a transaction invalidates', async () => {
    const runId = await withSql(api.databaseUrl, async (sql) => {
      const inserted = await sql.query<{ id: string }>(
        `INSERT INTO workflow_runs (id, workflow_id, version_id, number, phase, created_at)
         SELECT gen_random_uuid(), w.id, v.id, 1, 'RUNNING', now()
         FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id WHERE w.name = 'api' RETURNING id`,
      );
      return inserted.rows[0]?.id as string;
    });
    await eventually(async () => {
      expect((await post(api, LIST, { first: 10 }, admin)).text).toContain('"phase":"RUNNING"');
    });
    await post(api, LIST, { first: 10 }, admin);
    await withSql(api.databaseUrl, async (sql) => {
      await sql.query('BEGIN');
      await sql.query(`UPDATE workflow_runs SET phase = 'SUCCEEDED' WHERE id = $1`, [runId]);
      await sql.query('COMMIT');
    });
    await eventually(async () => {
      const text = (await post(api, LIST, { first: 10 }, admin)).text;
      expect(text).toContain('"phase":"SUCCEEDED"');
      expect(text).not.toContain('"phase":"RUNNING"');
    });
  });

  it('another user never gets a cached answer of someone else', async () => {
    const outsider = await createUserAndLogin(api, admin, 'outsider@cyclone.test');
    const own = await post(api, LIST, { first: 10 }, admin);
    await post(api, LIST, { first: 10 }, admin);
    const before = await counters(api);
    const theirs = await post(api, LIST, { first: 10 }, outsider);
    expect(theirs.text).not.toBe(own.text);
    expect(JSON.parse(theirs.text).errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await counters(api)).hits).toBe(before.hits);
  });

  it('a revoked API token is refused although its answer is cached (mutation and raw SQL)', async () => {
    const create = 'mutation($name: String!) { createApiToken(input: {name: $name}) { token apiToken { id } } }';
    for (const how of ['mutation', 'sql'] as const) {
      const created = await api.graphql<{ createApiToken: { token: string; apiToken: { id: string } } }>(
        create,
        { name: `ci-${how}` },
        admin,
      );
      const { token, apiToken } = created.data?.createApiToken ?? { token: '', apiToken: { id: '' } };
      await post(api, LIST, { first: 10 }, token);
      const before = await counters(api);
      expect(JSON.parse((await post(api, LIST, { first: 10 }, token)).text).data).toBeTruthy();
      expect((await counters(api)).hits).toBe(before.hits + 1);
      if (how === 'mutation') {
        const revoked = await api.graphql(
          'mutation($id: ID!) { revokeApiToken(id: $id) { id } }',
          { id: apiToken.id },
          admin,
        );
        expect(revoked.errors).toBeUndefined();
        const refused = JSON.parse((await post(api, LIST, { first: 10 }, token)).text);
        expect(refused.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      } else {
        await withSql(api.databaseUrl, (sql) =>
          sql.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [apiToken.id]),
        );
        await eventually(async () => {
          const refused = JSON.parse((await post(api, LIST, { first: 10 }, token)).text);
          expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        });
      }
    }
  });

  it('an expired session is refused although both it and the answer are cached', async () => {
    const token = 'cyc_s_expiring-session-of-the-query-cache-test';
    const expiresAt = await withSql(api.databaseUrl, async (sql) => {
      const inserted = await sql.query<{ expiresAt: Date }>(
        `INSERT INTO sessions (id, user_id, token_hash, expires_at)
         SELECT gen_random_uuid(), id, $1, now() + interval '3 seconds' FROM users WHERE email = 'admin@cyclone.test'
         RETURNING expires_at AS "expiresAt"`,
        [hashToken(token)],
      );
      return inserted.rows[0]?.expiresAt as Date;
    });
    await eventually(async () => {
      expect(JSON.parse((await post(api, LIST, { first: 10 }, token)).text).data).toBeTruthy();
    });
    const before = await counters(api);
    await post(api, LIST, { first: 10 }, token);
    expect((await counters(api)).hits).toBe(before.hits + 1);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt.getTime() - Date.now()) + 100));
    const refused = JSON.parse((await post(api, LIST, { first: 10 }, token)).text);
    expect(refused.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('does not keep mutations or answers with errors', async () => {
    const before = await counters(api);
    const missing = 'query { project(tenant: "acme", name: "nope") { name } }';
    const first = await post(api, missing, {}, admin);
    const second = await post(api, missing, {}, admin);
    expect(JSON.parse(second.text).errors[0].extensions.code).toBe('NOT_FOUND');
    expect(second.text).toBe(first.text);
    const mutation = 'mutation { createTenant(input: {name: "twice"}) { name } }';
    expect(JSON.parse((await post(api, mutation, {}, admin)).text).data.createTenant.name).toBe('twice');
    // Executed again (not served): the second one conflicts.
    expect(JSON.parse((await post(api, mutation, {}, admin)).text).errors[0].extensions.code).toBe('CONFLICT');
    const after = await counters(api);
    expect(after.hits).toBe(before.hits);
    expect(after.uncacheable - before.uncacheable).toBe(4);
  });

  it('does not serve from the cache while the notification connection is down', async () => {
    await post(api, LIST, { first: 10 }, admin);
    await withSql(api.databaseUrl, (sql) =>
      sql.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN cyclone_%' AND datname = current_database()`,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = await counters(api);
    await post(api, LIST, { first: 10 }, admin);
    await post(api, LIST, { first: 10 }, admin);
    expect((await counters(api)).hits).toBe(before.hits);
    // Back after the reconnect.
    await eventually(async () => {
      const again = await counters(api);
      await post(api, LIST, { first: 10 }, admin);
      expect((await counters(api)).hits).toBeGreaterThan(again.hits);
    });
  });
});

describe('data version triggers', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('track every table except the migrations and login throttles', async () => {
    const untracked = await withSql(api.databaseUrl, async (sql) => {
      const result = await sql.query<{ table: string }>(
        `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
           AND c.relname NOT IN ('_prisma_migrations', 'login_throttles')
           AND (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname LIKE 'cyclone_data_version_%') < 4`,
      );
      return result.rows.map((r) => r.table);
    });
    expect(untracked).toEqual([]);
  });

  it('move on real changes only: not on last-used bookkeeping or statements that touch no row', async () => {
    await api.loginAsAdmin();
    await withSql(api.databaseUrl, async (sql) => {
      const version = async () =>
        Number((await sql.query<{ v: string }>('SELECT last_value::text AS v FROM cyclone_data_version')).rows[0]?.v);
      const start = await version();
      await sql.query('UPDATE sessions SET last_used_at = now()');
      await sql.query(`UPDATE workflows SET description = 'x' WHERE false`);
      await sql.query(`DELETE FROM tenants WHERE name = 'does-not-exist'`);
      expect(await version()).toBe(start);
      await sql.query(`UPDATE sessions SET expires_at = expires_at + interval '1 second'`);
      expect(await version()).toBeGreaterThan(start);
    });
  });
});

describe('query cache with max age 0', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ CYCLONE_QUERY_CACHE_MAX_AGE: '0' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('is off: every query executes and sees raw SQL writes at once', async () => {
    const admin = await api.loginAsAdmin();
    await api.graphql('mutation { createTenant(input: {name: "acme"}) { id } }', {}, admin);
    await api.graphql('mutation { createProject(input: {tenant: "acme", name: "shop"}) { id } }', {}, admin);
    await createWorkflow(api, admin, 'api');
    await post(api, LIST, { first: 10 }, admin);
    await withSql(api.databaseUrl, (sql) => sql.query(`UPDATE workflows SET description = 'at once'`));
    expect((await post(api, LIST, { first: 10 }, admin)).text).toContain('at once');
    const { hits, misses } = await counters(api);
    expect(hits).toBe(0);
    expect(misses).toBe(0);
  });
});
