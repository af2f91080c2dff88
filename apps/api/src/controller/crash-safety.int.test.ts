import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { isEnded, runWorkflow } from '../testing/run-helpers.js';
import { type SpawnedApi, spawnApi } from '../testing/spawn-api.js';
import { graphqlAt, TEST_ADMIN } from '../testing/test-api.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { waitFor } from '../testing/wait.js';

async function graphql<T>(url: string, query: string, variables: object, token?: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/**
 * The real API as child processes on one database: killed with SIGKILL mid-run, and
 * two controller processes sharing many runs.
 */
describe('crash safety', () => {
  let database: TestDatabase;
  let db: Db;
  let dataDir: string;
  let token: string;
  const processes: SpawnedApi[] = [];
  const env = () => ({
    DATABASE_URL: database.url,
    CYCLONE_DATA_DIR: dataDir,
    CYCLONE_ENCRYPTION_KEY: key,
    CYCLONE_ADMIN_EMAIL: TEST_ADMIN.email,
    CYCLONE_ADMIN_PASSWORD: TEST_ADMIN.password,
    // The ready line is logged at info.
    LOG_LEVEL: 'info',
  });
  const key = randomBytes(32).toString('base64');

  async function spawn(extra: Record<string, string> = {}): Promise<SpawnedApi> {
    const api = await spawnApi({ ...env(), ...extra });
    processes.push(api);
    return api;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-crash-'));
    db = createPrismaClient(database.url);
  });

  afterEach(async () => {
    while (processes.length > 0) await processes.pop()?.stop();
  });

  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function setUp(url: string, tenant: string, workflows: { name: string; stages: unknown[] }[]) {
    token = (
      await graphql<{ login: { token: string } }>(url, 'mutation($i: LoginInput!) { login(input: $i) { token } }', {
        i: TEST_ADMIN,
      })
    ).login.token;
    await graphql(
      url,
      'mutation($i: CreateTenantInput!) { createTenant(input: $i) { name } }',
      { i: { name: tenant } },
      token,
    );
    await graphql(
      url,
      'mutation($i: CreateProjectInput!) { createProject(input: $i) { name } }',
      { i: { tenant, name: 'web' } },
      token,
    );
    for (const workflow of workflows) {
      await graphql(
        url,
        'mutation($i: CreateWorkflowInput!) { createWorkflow(input: $i) { name } }',
        { i: { tenant, project: 'web', ...workflow } },
        token,
      );
    }
  }

  const startRun = async (url: string, tenant: string, workflow: string) =>
    (await runWorkflow({ graphql: graphqlAt(url) }, token, { tenant, project: 'web', workflow })).id;

  it('kill -9 mid-run: after a restart the lost attempt fails, is retried, and the stored log has no gap nor duplicate', async () => {
    const first = await spawn();
    const script = 'i=0; while [ $i -lt 30 ]; do i=$((i+1)); echo "line $i"; sleep 0.05; done';
    await setUp(first.url, 'acme', [
      { name: 'talk', stages: [{ name: 's', image: 'alpine', retries: 1, command: ['sh', '-c', script] }] },
    ]);
    const id = await startRun(first.url, 'acme', 'talk');
    await waitFor(() => db.logLine.count({ where: { runId: id } }), {
      until: (n) => n >= 5,
      what: 'the first log lines',
      timeoutMs: 60_000,
    });
    await first.crash();
    const orphan = await db.stageRun.findFirstOrThrow({ where: { runId: id } });
    expect(orphan).toMatchObject({ phase: 'RUNNING', attempt: 1 });
    const storedBefore = await db.logLine.count({ where: { runId: id } });

    const second = await spawn();
    expect(second.pid).not.toBe(first.pid);
    const run = await waitFor(() => db.workflowRun.findUniqueOrThrow({ where: { id }, include: { stageRuns: true } }), {
      until: isEnded,
      what: 'the run to end after the restart',
      timeoutMs: 60_000,
    });
    expect(run.phase).toBe('SUCCEEDED');
    expect(run.stageRuns[0]).toMatchObject({ phase: 'SUCCEEDED', attempt: 2 });
    const lines = await db.logLine.findMany({ where: { runId: id }, orderBy: { seq: 'asc' } });
    expect(lines.map((line) => Number(line.seq))).toEqual(lines.map((_, i) => i + 1));
    // What attempt 1 stored before the crash stays, in order; attempt 2 follows in full.
    const texts = lines.map((line) => line.text);
    const firstPart = texts.slice(0, texts.length - 30);
    expect(firstPart.length).toBeGreaterThanOrEqual(storedBefore);
    expect(firstPart).toEqual(firstPart.map((_, i) => `line ${i + 1}`));
    expect(texts.slice(-30)).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
  }, 400_000);

  it('two controller processes on one database never start a stage attempt twice, nor admit past a limit', async () => {
    const server = await spawn({ CYCLONE_ROLE: 'server' });
    // Each start appends a line in its run's workspace (all a stage may write to).
    const count = 'echo "$CYCLONE_RUN_ID" >> "$CYCLONE_WORKSPACE/$CYCLONE_STAGE.starts"; sleep 0.1';
    await setUp(server.url, 'busy', [
      {
        name: 'pair',
        stages: [
          { name: 'one', image: 'alpine', command: ['sh', '-c', count] },
          { name: 'two', image: 'alpine', command: ['sh', '-c', count], dependsOn: ['one'] },
        ],
      },
    ]);
    await graphql(
      server.url,
      'mutation($i: UpdateTenantInput!) { updateTenant(input: $i) { name } }',
      { i: { name: 'busy', quota: { maxConcurrentRuns: 4 } } },
      token,
    );
    const ids = await Promise.all(Array.from({ length: 40 }, () => startRun(server.url, 'busy', 'pair'))).catch((e) => {
      console.error(server.output().slice(-4000));
      throw e;
    });
    await Promise.all([spawn({ CYCLONE_ROLE: 'controller' }), spawn({ CYCLONE_ROLE: 'controller' })]);
    const runs = await waitFor(
      () => db.workflowRun.findMany({ where: { id: { in: ids } }, include: { stageRuns: true } }),
      { until: (rows) => rows.every(isEnded), what: 'every run to end', timeoutMs: 150_000 },
    );
    expect(runs.map((row) => row.phase)).toEqual(ids.map(() => 'SUCCEEDED'));
    for (const row of runs) expect(row.stageRuns.map((stage) => stage.attempt)).toEqual([1, 1]);
    for (const stage of ['one', 'two']) {
      for (const id of ids) {
        const starts = readFileSync(join(dataDir, 'workspaces', id, `${stage}.starts`), 'utf8');
        expect(starts).toBe(`${id}\n`);
      }
    }
    // Never more than 4 runs of the tenant admitted and unfinished at the same time.
    const events = runs.flatMap((row) => [
      { at: (row.admittedAt as Date).getTime(), delta: 1 },
      { at: (row.finishedAt as Date).getTime(), delta: -1 },
    ]);
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let active = 0;
    let most = 0;
    for (const event of events) {
      active += event.delta;
      most = Math.max(most, active);
    }
    expect(most).toBeLessThanOrEqual(4);
    expect(most).toBeGreaterThan(1);
    expect(existsSync(join(dataDir, 'workspaces'))).toBe(true);
  }, 480_000);
});
