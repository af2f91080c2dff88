import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const CREATE_WORKFLOW = 'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id name } }';
const RUNS = `query($tenant: String!, $filter: TenantRunFilter, $first: Int, $after: String) {
  tenantRuns(tenant: $tenant, filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id number phase workflow { name } projectName tenantName workflowVersion parameters { name value }
      graph { name image dependsOn trivial } stages { name phase } } }
  }
}`;
const STATS = `query($tenant: String!, $days: Int, $offset: Int) {
  runStatistics(tenant: $tenant, days: $days, utcOffsetMinutes: $offset) {
    projects workflows runsToday activeRuns successRate
    days { date total pending running waiting succeeded failed cancelled averageDurationSeconds maxDurationSeconds }
  }
}`;

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };
interface RunNode {
  id: string;
  number: number;
  phase: string;
  workflow: { name: string };
  projectName: string;
  tenantName: string;
  workflowVersion: number;
  parameters: { name: string; value: string }[];
  graph: { name: string; image: string; dependsOn: string[]; trivial: boolean }[];
}
interface RunsData {
  tenantRuns: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: RunNode }[] };
}

const stage = (name: string, dependsOn: string[] = [], extra: Record<string, unknown> = {}) => ({
  name,
  image: 'alpine:3.20',
  command: ['true'],
  dependsOn,
  ...extra,
});
const HOUR = 3_600_000;

describe('tenant-wide runs and run statistics', () => {
  let api: TestApi;
  let db: Db;
  let viewer: string;
  let outsider: string;
  let admin: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // Server role only: no controller touches the runs this test writes.
    api = await startTestApi({ CYCLONE_ROLE: 'server' });
    admin = await api.loginAsAdmin();
    const roles = await seedTenant(api, admin, 'acme', { projects: ['web', 'api'], roles: ['VIEWER'] });
    viewer = roles.VIEWER;
    outsider = (await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] })).OWNER;
    db = createPrismaClient(api.databaseUrl);
    for (const [project, name] of [
      ['web', 'build'],
      ['api', 'build'],
    ] as const) {
      const created = await api.graphql<{ createWorkflow: { id: string } }>(
        CREATE_WORKFLOW,
        {
          input: {
            tenant: 'acme',
            project,
            name,
            stages: [stage('a'), stage('b', ['a'], { trivial: true }), stage('c', ['a'])],
          },
        },
        admin,
      );
      expect(created.errors).toBeUndefined();
      ids[project] = created.data?.createWorkflow.id as string;
    }
    const other = await api.graphql<{ createWorkflow: { id: string } }>(
      CREATE_WORKFLOW,
      { input: { tenant: 'other', project: 'web', name: 'build', stages: [stage('a')] } },
      admin,
    );
    ids.other = other.data?.createWorkflow.id as string;

    const now = Date.now();
    // web/build: 3 runs today (succeeded 60 s, failed, running), 1 two days ago (succeeded 120 s, cancelled)
    const runs: [string, string, number, number | null, string][] = [
      ['web', 'SUCCEEDED', now - 3 * HOUR, 60, 'MANUAL'],
      ['web', 'FAILED', now - 2 * HOUR, 30, 'MANUAL'],
      ['web', 'RUNNING', now - 60_000, null, 'MANUAL'],
      ['web', 'SUCCEEDED', now - 48 * HOUR, 120, 'MANUAL'],
      ['api', 'CANCELLED', now - 49 * HOUR, 10, 'MANUAL'],
      ['other', 'SUCCEEDED', now - HOUR, 5, 'MANUAL'],
    ];
    let number = 0;
    for (const [key, phase, created, seconds] of runs) {
      const workflowId = ids[key] as string;
      const version = await db.workflowVersion.findFirstOrThrow({ where: { workflowId } });
      number += 1;
      await db.workflowRun.create({
        data: {
          workflowId,
          versionId: version.id,
          number,
          phase: phase as 'SUCCEEDED',
          parameters: [{ name: 'REF', value: `r${number}` }],
          createdAt: new Date(created),
          startedAt: new Date(created + 1000),
          finishedAt: seconds == null ? null : new Date(created + 1000 + seconds * 1000),
          stageRuns: { create: [{ stage: 'a', phase: 'SUCCEEDED' }, { stage: 'b' }, { stage: 'c' }] },
        },
      });
    }
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
  });

  it('lists the runs of the tenant newest first with their details, and pages', async () => {
    const first = await api.graphql<RunsData>(RUNS, { tenant: 'acme', first: 3 }, viewer);
    expect(first.errors).toBeUndefined();
    const page = first.data?.tenantRuns;
    expect(page?.totalCount).toBe(5);
    expect(page?.pageInfo.hasNextPage).toBe(true);
    expect(page?.edges.map((e) => e.node.phase)).toEqual(['RUNNING', 'FAILED', 'SUCCEEDED']);
    const running = page?.edges[0]?.node as RunNode;
    expect(running).toMatchObject({ projectName: 'web', tenantName: 'acme', workflowVersion: 1 });
    expect(running.workflow.name).toBe('build');
    expect(running.parameters).toEqual([{ name: 'REF', value: 'r3' }]);
    expect(running.graph).toEqual([
      { name: 'a', image: 'alpine:3.20', dependsOn: [], trivial: false },
      { name: 'b', image: 'alpine:3.20', dependsOn: ['a'], trivial: true },
      { name: 'c', image: 'alpine:3.20', dependsOn: ['a'], trivial: false },
    ]);

    const second = await api.graphql<RunsData>(
      RUNS,
      { tenant: 'acme', first: 3, after: page?.pageInfo.endCursor },
      viewer,
    );
    expect(second.data?.tenantRuns.edges.map((e) => e.node.phase)).toEqual(['SUCCEEDED', 'CANCELLED']);
    expect(second.data?.tenantRuns.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by project, workflow, phase and creation time', async () => {
    const byWorkflow = await api.graphql<RunsData>(
      RUNS,
      { tenant: 'acme', filter: { project: 'web', workflow: 'build', phases: ['SUCCEEDED', 'FAILED'] } },
      viewer,
    );
    expect(byWorkflow.data?.tenantRuns.edges.map((e) => e.node.phase)).toEqual(['FAILED', 'SUCCEEDED', 'SUCCEEDED']);
    const recent = await api.graphql<RunsData>(
      RUNS,
      { tenant: 'acme', filter: { createdAfter: new Date(Date.now() - 24 * HOUR).toISOString() } },
      viewer,
    );
    expect(recent.data?.tenantRuns.totalCount).toBe(3);
    const old = await api.graphql<RunsData>(
      RUNS,
      { tenant: 'acme', filter: { project: 'api', createdBefore: new Date(Date.now() - 24 * HOUR).toISOString() } },
      viewer,
    );
    expect(old.data?.tenantRuns.edges.map((e) => e.node.phase)).toEqual(['CANCELLED']);
  });

  it('filters by trigger', async () => {
    const failed = await db.workflowRun.findFirstOrThrow({ where: { phase: 'FAILED' } });
    await db.workflowRun.update({ where: { id: failed.id }, data: { trigger: 'CRON' } });
    const cron = await api.graphql<RunsData>(RUNS, { tenant: 'acme', filter: { triggers: ['CRON'] } }, viewer);
    expect(cron.data?.tenantRuns.edges.map((e) => e.node.id)).toEqual([failed.id]);
    const manual = await api.graphql<RunsData>(
      RUNS,
      { tenant: 'acme', filter: { triggers: ['MANUAL', 'SCM'] } },
      viewer,
    );
    expect(manual.data?.tenantRuns.totalCount).toBe(4);
  });

  it('pages runs of several workflows created at the same instant by id, without gaps or repeats', async () => {
    const tiesViewer = (await seedTenant(api, admin, 'ties', { projects: ['web', 'api'], roles: ['VIEWER'] })).VIEWER;
    const at = new Date(Date.now() - HOUR);
    const made: string[] = [];
    const byIdDesc = (list: string[]) => [...list].sort().reverse();
    for (const project of ['web', 'api']) {
      const created = await api.graphql<{ createWorkflow: { id: string } }>(
        CREATE_WORKFLOW,
        { input: { tenant: 'ties', project, name: 'build', stages: [stage('a')] } },
        admin,
      );
      const workflowId = created.data?.createWorkflow.id as string;
      const version = await db.workflowVersion.findFirstOrThrow({ where: { workflowId } });
      for (let number = 1; number <= 4; number++) {
        const run = await db.workflowRun.create({
          data: { workflowId, versionId: version.id, number, phase: 'SUCCEEDED', createdAt: at },
        });
        made.push(run.id);
      }
    }
    // One newer run: first on the first page.
    const newest = await db.workflowRun.create({
      data: {
        workflowId: (
          await db.workflow.findFirstOrThrow({ where: { project: { name: 'web', tenant: { name: 'ties' } } } })
        ).id,
        versionId: (
          await db.workflowVersion.findFirstOrThrow({
            where: { workflow: { project: { name: 'web', tenant: { name: 'ties' } } } },
          })
        ).id,
        number: 5,
        phase: 'RUNNING',
      },
    });
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const result = await api.graphql<RunsData>(RUNS, { tenant: 'ties', first: 3, after }, tiesViewer);
      expect(result.errors).toBeUndefined();
      const page = result.data?.tenantRuns;
      expect(page?.totalCount).toBe(9);
      seen.push(...(page?.edges.map((e) => e.node.id) ?? []));
      if (!page?.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([newest.id, ...byIdDesc(made)]);
    const phases = await api.graphql<RunsData>(
      RUNS,
      { tenant: 'ties', filter: { project: 'api', phases: ['SUCCEEDED'] }, first: 10 },
      tiesViewer,
    );
    expect(phases.data?.tenantRuns.edges.map((e) => e.node.id)).toEqual(byIdDesc(made.slice(4)));
    const forged = Buffer.from(JSON.stringify([at.toISOString(), 'not-a-uuid'])).toString('base64url');
    const bad = (await api.graphql(RUNS, { tenant: 'ties', after: forged }, tiesViewer)) as Result;
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('refuses bad filters, naming the field', async () => {
    const noProject = (await api.graphql(RUNS, { tenant: 'acme', filter: { workflow: 'build' } }, viewer)) as Result;
    expect(noProject.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.project' });
    const trigger = (await api.graphql(RUNS, { tenant: 'acme', filter: { triggers: ['NIGHTLY'] } }, viewer)) as Result;
    expect(trigger.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.triggers' });
    const range = (await api.graphql(
      RUNS,
      { tenant: 'acme', filter: { createdAfter: '2026-01-02T00:00:00Z', createdBefore: '2026-01-01T00:00:00Z' } },
      viewer,
    )) as Result;
    expect(range.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.createdBefore' });
    const page = (await api.graphql(RUNS, { tenant: 'acme', first: 1000 }, viewer)) as Result;
    expect(page.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('keeps tenants apart: other tenants are NOT_FOUND and their runs never listed', async () => {
    const foreign = (await api.graphql(RUNS, { tenant: 'acme' }, outsider)) as Result;
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const stats = (await api.graphql(STATS, { tenant: 'acme' }, outsider)) as Result;
    expect(stats.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const own = await api.graphql<RunsData>(RUNS, { tenant: 'other' }, outsider);
    expect(own.data?.tenantRuns.totalCount).toBe(1);
    const anonymous = (await api.graphql(RUNS, { tenant: 'acme' })) as Result;
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('counts projects, workflows, runs today, active runs and the success rate per tenant', async () => {
    const result = await api.graphql<{
      runStatistics: {
        projects: number;
        workflows: number;
        runsToday: number;
        activeRuns: number;
        successRate: number;
        days: Record<string, number | string | null>[];
      };
    }>(STATS, { tenant: 'acme', days: 7, offset: 0 }, viewer);
    expect(result.errors).toBeUndefined();
    const stats = result.data?.runStatistics;
    expect(stats).toMatchObject({ projects: 2, workflows: 2, activeRuns: 1 });
    // Succeeded 2, failed 1; the cancelled run is left out.
    expect(stats?.successRate).toBeCloseTo(2 / 3);
    expect(stats?.days).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    expect(stats?.days.at(-1)?.date).toBe(today);
    const total = stats?.days.reduce((sum, d) => sum + Number(d.total), 0);
    expect(total).toBe(5);
    const sumOf = (key: string) => stats?.days.reduce((sum, d) => sum + Number(d[key]), 0);
    expect([sumOf('succeeded'), sumOf('failed'), sumOf('running'), sumOf('cancelled')]).toEqual([2, 1, 1, 1]);
    const withDurations = stats?.days
      .filter((d) => d.averageDurationSeconds != null)
      .map((d) => d.averageDurationSeconds);
    expect(withDurations?.sort()).toEqual([120, 60]);
    // Runs of the last 3 h are today unless the day just began; check against the same clock.
    const midnight = Date.parse(`${today}T00:00:00Z`);
    const expectedToday = [3 * HOUR, 2 * HOUR, 60_000].filter((ago) => Date.now() - ago >= midnight).length;
    expect(stats?.runsToday).toBe(expectedToday);
  });

  it('validates the window and the offset', async () => {
    const days = (await api.graphql(STATS, { tenant: 'acme', days: 0 }, viewer)) as Result;
    expect(days.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
    const offset = (await api.graphql(STATS, { tenant: 'acme', offset: 24 * 60 }, viewer)) as Result;
    expect(offset.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'utcOffsetMinutes' });
  });

  it('sends the current stage phases with every workflowRunUpdated event', async () => {
    const run = await db.workflowRun.findFirstOrThrow({ where: { phase: 'RUNNING' } });
    const client = createClient({
      url: `${api.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${viewer}` },
    });
    const events: { phase: string; stages: { name: string; phase: string }[] }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe<{ workflowRunUpdated: (typeof events)[number] }>(
        {
          query: 'subscription($id: ID!) { workflowRunUpdated(id: $id) { phase stages { name phase } } }',
          variables: { id: run.id },
        },
        { next: (value) => value.data && events.push(value.data.workflowRunUpdated), error: reject, complete: resolve },
      );
    });
    await expect.poll(() => events.length).toBe(1);
    await db.stageRun.update({ where: { runId_stage: { runId: run.id, stage: 'b' } }, data: { phase: 'RUNNING' } });
    await db.$executeRaw`SELECT pg_notify('cyclone_run', ${run.id})`;
    await expect.poll(() => events.length).toBe(2);
    await db.stageRun.update({ where: { runId_stage: { runId: run.id, stage: 'b' } }, data: { phase: 'SUCCEEDED' } });
    await db.workflowRun.update({ where: { id: run.id }, data: { phase: 'SUCCEEDED', finishedAt: new Date() } });
    await db.$executeRaw`SELECT pg_notify('cyclone_run', ${run.id})`;
    await done;
    await client.dispose();
    expect(events.map((e) => e.stages.find((s) => s.name === 'b')?.phase)).toEqual(['PENDING', 'RUNNING', 'SUCCEEDED']);
    expect(events.at(-1)?.phase).toBe('SUCCEEDED');
  });
});
