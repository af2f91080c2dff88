import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { createWorkflow, runWorkflowAndWait, sh } from '../../testing/run-helpers.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import type { AuthUser } from '../identity/identity.service.js';
import { type LogSearchArgs, LogSearchPresenter } from './log-search.presenter.js';

const SEARCH = `query($tenant: String!, $query: String!, $project: String, $workflow: String, $since: DateTime, $first: Int, $after: String) {
  searchLogs(tenant: $tenant, query: $query, project: $project, workflow: $workflow, since: $since, first: $first, after: $after) {
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { run { id number workflow { name } } stage seq line timestamp } }
  }
}`;

interface Hit {
  run: { id: string; number: number; workflow: { name: string } };
  stage: string;
  seq: number;
  line: string;
  timestamp: string;
}
interface SearchData {
  searchLogs: {
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: Hit }[];
  };
}

const MINUTE = 60_000;

describe('searchLogs', () => {
  let api: TestApi;
  let db: Db;
  let admin: string;
  let viewer: string;
  let outsider: string;
  let liveRunId: string;
  const now = Date.now();

  /** Stores lines of a finished run of `workflowId`, one minute apart, the last one a minute ago. */
  async function storeRun(workflowId: string, number: number, lines: string[], endsAgoMs = MINUTE): Promise<string> {
    const version = await db.workflowVersion.findFirstOrThrow({ where: { workflowId } });
    const run = await db.workflowRun.create({
      data: { workflowId, versionId: version.id, number, phase: 'SUCCEEDED', createdAt: new Date(now - endsAgoMs) },
    });
    await db.logLine.createMany({
      data: lines.map((text, i) => ({
        runId: run.id,
        workflowId,
        stage: 'build',
        seq: BigInt(i + 1),
        stream: 'STDOUT' as const,
        timestamp: new Date(now - endsAgoMs - (lines.length - 1 - i) * MINUTE),
        text,
      })),
    });
    return run.id;
  }

  async function search(token: string, variables: Record<string, unknown>) {
    return api.graphql<SearchData>(SEARCH, { tenant: 'acme', ...variables }, token);
  }
  async function hits(token: string, variables: Record<string, unknown>): Promise<Hit[]> {
    const result = await search(token, variables);
    expect(result.errors).toBeUndefined();
    return result.data?.searchLogs.edges.map((e) => e.node) ?? [];
  }

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.loginAsAdmin();
    viewer = (await seedTenant(api, admin, 'acme', { projects: ['web', 'api'], roles: ['VIEWER'] })).VIEWER;
    outsider = (await seedTenant(api, admin, 'other', { projects: ['secret'], roles: ['OWNER'] })).OWNER;
    db = createPrismaClient(api.databaseUrl);

    // A real run: the host executor stores what the stage prints (log-writer.ts).
    await createWorkflow(api, admin, {
      tenant: 'acme',
      project: 'web',
      name: 'deploy',
      stages: [sh('rollout', 'echo "starting rollout"; echo "pod web-1 reason=OOMKilled exit code 137"; echo done')],
    });
    const live = await runWorkflowAndWait(api, admin, { tenant: 'acme', project: 'web', workflow: 'deploy' });
    expect(live.phase).toBe('SUCCEEDED');
    liveRunId = live.id;

    await createWorkflow(api, admin, { tenant: 'acme', project: 'api', name: 'test', stages: [sh('build', 'true')] });
    await createWorkflow(api, admin, {
      tenant: 'other',
      project: 'secret',
      name: 'leak',
      stages: [sh('build', 'true')],
    });
    const workflows = await db.workflow.findMany({ include: { project: true } });
    const idOf = (project: string, name: string) =>
      workflows.find((w) => w.project.name === project && w.name === name)?.id as string;
    // api/test: an old run (three days ago) and a recent one with 30 matching lines.
    await storeRun(
      idOf('api', 'test'),
      1,
      ['npm ERR! code ENOENT old', 'Test timed out after 30s', 'the exit code was 1'],
      3 * 24 * 60 * MINUTE,
    );
    await storeRun(
      idOf('api', 'test'),
      2,
      Array.from({ length: 30 }, (_, i) => `case ${i + 1}: assertion failed, value_${i % 2 ? 'odd' : 'even'} 100%`),
    );
    // Another tenant's run that matches everything searched here.
    await storeRun(idOf('secret', 'leak'), 1, ['OOMKilled exit code 137 ENOENT assertion failed']);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
  });

  it('finds a line a real run printed, with its run, stage and line number', async () => {
    const found = await hits(viewer, { query: 'oomkilled' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      run: { id: liveRunId, number: 1, workflow: { name: 'deploy' } },
      stage: 'rollout',
      seq: 2,
      line: 'pod web-1 reason=OOMKilled exit code 137',
    });
  });

  it('needs every word, and a quoted phrase as written', async () => {
    expect((await hits(viewer, { query: 'exit 137' })).map((h) => h.line)).toEqual([
      'pod web-1 reason=OOMKilled exit code 137',
    ]);
    // "exit code" as a phrase: both the live line and the old one; "code exit" as a phrase: none.
    expect((await hits(viewer, { query: '"exit code"' })).map((h) => h.line).sort()).toEqual([
      'pod web-1 reason=OOMKilled exit code 137',
      'the exit code was 1',
    ]);
    expect(await hits(viewer, { query: '"code exit"' })).toEqual([]);
    expect(await hits(viewer, { query: '"exit code 137" ENOENT' })).toEqual([]);
  });

  it('takes %, _ and \\ literally', async () => {
    expect(await hits(viewer, { query: 'value_even 100%' })).toHaveLength(15);
    // As wildcards, _ would match the space of "case 1:" and %% any "100%".
    expect(await hits(viewer, { query: 'case_1' })).toEqual([]);
    expect(await hits(viewer, { query: '"100%%"' })).toEqual([]);
  });

  it('pages newest first without gaps or repeats', async () => {
    const seen: Hit[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const result = await search(viewer, { query: 'assertion failed', first: 7, after });
      expect(result.errors).toBeUndefined();
      const page = result.data?.searchLogs;
      seen.push(...(page?.edges.map((e) => e.node) ?? []));
      expect(page?.pageInfo.hasPreviousPage).toBe(after !== null);
      after = page?.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(5);
    expect(seen.map((h) => h.seq)).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
    const times = seen.map((h) => Date.parse(h.timestamp));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('keeps to lines since the given time, and to a project or workflow', async () => {
    expect(await hits(viewer, { query: 'ENOENT' })).toHaveLength(1);
    const dayAgo = new Date(now - 24 * 60 * MINUTE).toISOString();
    expect(await hits(viewer, { query: 'ENOENT', since: dayAgo })).toEqual([]);
    expect(await hits(viewer, { query: '"exit code"', since: dayAgo })).toHaveLength(1);
    expect(await hits(viewer, { query: '"exit code"', project: 'api' })).toHaveLength(1);
    expect((await hits(viewer, { query: '"exit code"', workflow: 'deploy' }))[0]?.run.id).toBe(liveRunId);
  });

  it('stores every line with its run’s workflow, and finds the same lines by either way of reading', async () => {
    // The live run's lines went through the real LogWriter (log-writer.ts).
    const deploy = await db.workflow.findFirstOrThrow({ where: { name: 'deploy' } });
    const live = await db.logLine.findMany({ where: { runId: liveRunId }, select: { workflowId: true } });
    expect(live.length).toBeGreaterThan(0);
    expect(new Set(live.map((l) => l.workflowId))).toEqual(new Set([deploy.id]));
    const astray = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM log_lines l JOIN workflow_runs r ON r.id = l.run_id WHERE l.workflow_id <> r.workflow_id`;
    expect(astray[0]?.n).toBe(0n);

    // Every query as a rare one (trigram index, then scope) and as a common one (per workflow, merged).
    const row = await db.user.findFirstOrThrow({ where: { memberships: { some: { role: 'VIEWER' } } } });
    const user: AuthUser = { id: row.id, email: row.email, name: row.name, isAdmin: false };
    const rare = new LogSearchPresenter(db, { rareMatches: Number.POSITIVE_INFINITY });
    const common = new LogSearchPresenter(db, { rareMatches: -1 });
    const dayAgo = new Date(now - 24 * 60 * MINUTE);
    const cases: LogSearchArgs[] = [
      { query: 'assertion failed', first: 7 },
      { query: '"exit code"' },
      { query: '"exit code"', since: dayAgo },
      { query: 'out' },
      { query: 'out', workflow: 'deploy' },
      { query: 'out', project: 'api' },
      { query: 'case', project: 'api', first: 100 },
      { query: 'ENOENT' },
      { query: 'zebra' },
    ];
    for (const args of cases) {
      const a = await rare.search(user, 'acme', args);
      const b = await common.search(user, 'acme', args);
      expect(b).toEqual(a);
      const next = a.pageInfo.endCursor;
      if (a.pageInfo.hasNextPage && next) {
        expect(await common.search(user, 'acme', { ...args, after: next })).toEqual(
          await rare.search(user, 'acme', { ...args, after: next }),
        );
      }
    }
    const inDeploy = await common.search(user, 'acme', { query: 'out', workflow: 'deploy' });
    expect(inDeploy.edges.map((e) => e.node.line)).toContain('starting rollout');
    expect(new Set(inDeploy.edges.map((e) => e.node.runId))).toEqual(new Set([liveRunId]));
    const inApi = await common.search(user, 'acme', { query: 'out', project: 'api' });
    expect(inApi.edges.map((e) => e.node.line)).toEqual(['Test timed out after 30s']);
  });

  it('shows nobody the lines of runs they may not read', async () => {
    // The other tenant's member gets nothing of acme's, and acme's viewer nothing of theirs.
    const denied = await search(outsider, { query: 'OOMKilled' });
    expect(denied.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(denied.data?.searchLogs).toBeUndefined();
    const own = await api.graphql<SearchData>(SEARCH, { tenant: 'other', query: 'OOMKilled' }, outsider);
    expect(own.data?.searchLogs.edges.map((e) => e.node.run.workflow.name)).toEqual(['leak']);
    const acmeHits = await hits(viewer, { query: 'OOMKilled' });
    expect(acmeHits.map((h) => h.run.workflow.name)).toEqual(['deploy']);
    const foreignProject = await search(viewer, { query: 'OOMKilled', project: 'secret' });
    expect(foreignProject.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const anonymous = await search('', { query: 'OOMKilled' });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses queries an index cannot narrow and cursors it did not make', async () => {
    for (const query of ['', 'a b', '"->"']) {
      const result = await search(viewer, { query });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const cursor = await search(viewer, { query: 'assertion', after: 'bm90IGEgY3Vyc29y' });
    expect(cursor.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const size = await search(viewer, { query: 'assertion', first: 101 });
    expect(size.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const since = await search(viewer, { query: 'assertion', since: 'yesterday' });
    expect(since.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(since.errors?.[0]?.message).toContain('DateTime');
    // The same for the other date scalar, whose variables the cost estimate coerces too.
    const createdAfter = await api.graphql(
      'query($d: DateTimeISO) { tenantRuns(tenant: "acme", filter: {createdAfter: $d}) { totalCount } }',
      { d: 'yesterday' },
      viewer,
    );
    expect(createdAfter.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
