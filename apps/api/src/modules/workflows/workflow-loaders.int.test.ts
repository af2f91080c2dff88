import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

/**
 * Counts the SQL statements the API sends while a request runs: every statement of
 * the pg driver (which Prisma's adapter uses) goes through Client#query.
 */
function countStatements() {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const seen: string[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    seen.push(typeof first === 'string' ? first : (first?.text ?? ''));
    return original.apply(this, args);
  };
  return {
    seen,
    stop: () => {
      proto.query = original;
    },
  };
}

describe('workflow lists load relations in batches', () => {
  let api: TestApi;
  let token: string;
  let db: Db;

  beforeAll(async () => {
    api = await startTestApi();
    const admin = await api.loginAsAdmin();
    const roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['VIEWER'] });
    token = roles.VIEWER;
    db = createPrismaClient(api.databaseUrl);
    const project = await db.project.findFirstOrThrow({ where: { name: 'web' } });
    const spec = { description: '', globalVariables: [], stages: [{ name: 'a', image: 'alpine' }] };
    for (let i = 0; i < 50; i++) {
      const workflow = await db.workflow.create({
        data: {
          projectId: project.id,
          name: `wf-${String(i).padStart(2, '0')}`,
          currentVersion: 1,
          versions: { create: { version: 1, spec } },
        },
        include: { versions: true },
      });
      await db.workflowRun.createMany({
        data: Array.from({ length: 5 }, (_, n) => ({
          workflowId: workflow.id,
          versionId: workflow.versions[0]?.id as string,
          number: n + 1,
          phase: n === 4 ? ('RUNNING' as const) : ('SUCCEEDED' as const),
          createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)),
        })),
      });
    }
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.stop();
  });

  it('answers 50 workflows with their latest run and 5 runs in a bounded number of statements', async () => {
    const query = `{ project(tenant: "acme", name: "web") { workflowsConnection(first: 50) { edges { node {
      name latestRun { phase } runs(first: 5) { id phase } } } } } }`;
    // Warm up once so that one-time work (schema, prepared plans) is not counted.
    await api.graphql(query, {}, token);
    const counter = countStatements();
    const result = await api.graphql<{
      project: {
        workflowsConnection: { edges: { node: { name: string; latestRun: { phase: string }; runs: unknown[] } }[] };
      };
    }>(query, {}, token);
    counter.stop();
    expect(result.errors).toBeUndefined();
    const edges = result.data?.project.workflowsConnection.edges ?? [];
    expect(edges).toHaveLength(50);
    for (const edge of edges) {
      expect(edge.node.latestRun).toEqual({ phase: 'RUNNING' });
      expect(edge.node.runs).toHaveLength(5);
    }
    const statements = counter.seen.filter((text) => !/^\s*(BEGIN|COMMIT|ROLLBACK|SET )/i.test(text));
    // The session with its user, the project with the caller's membership, the page (its count
    // is not asked for), runs(first: 5), latestRun: 5 whatever the number of workflows.
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.length).toBeLessThanOrEqual(5);
  });
});
