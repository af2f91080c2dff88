import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Jaeger, type JaegerSpan, type JaegerTrace, startJaeger } from '../../../../scripts/testenv/jaeger.mjs';
import { createWorkflow, logLines, runWorkflow, sh, waitForRun } from '../testing/run-helpers.js';
import { seedTenant } from '../testing/seed.js';
import { type SpawnedApi, spawnApi } from '../testing/spawn-api.js';
import { graphqlAt, loginAsAdmin, TEST_ADMIN } from '../testing/test-api.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { waitFor } from '../testing/wait.js';

/**
 * Tracing against a real trace store (Jaeger v2, built from its Go module): the real API
 * entry (main.ts) as child processes with OTEL_EXPORTER_OTLP_ENDPOINT set, one serving
 * GraphQL and one running the controller, so the run's trace crosses processes through
 * the database alone. The spans are read back through Jaeger's query API.
 */
describe('tracing', () => {
  let jaeger: Jaeger;
  let database: TestDatabase;
  let dataDir: string;
  let server: SpawnedApi;
  let controller: SpawnedApi;

  beforeAll(async () => {
    jaeger = await startJaeger();
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-tracing-'));
    const env = {
      DATABASE_URL: database.url,
      CYCLONE_DATA_DIR: dataDir,
      CYCLONE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      CYCLONE_ADMIN_EMAIL: TEST_ADMIN.email,
      CYCLONE_ADMIN_PASSWORD: TEST_ADMIN.password,
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpEndpoint,
      // Spans leave soon after they end, not every 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    server = await spawnApi({ ...env, CYCLONE_ROLE: 'server' });
    controller = await spawnApi({ ...env, CYCLONE_ROLE: 'controller', OTEL_SERVICE_NAME: 'cyclone-controller' });
  }, 900_000);

  afterAll(async () => {
    await server?.stop();
    await controller?.stop();
    await jaeger?.stop();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const tag = (span: JaegerSpan, key: string) => span.tags.find((t) => t.key === key)?.value;
  const parentOf = (span: JaegerSpan) => span.references.find((r) => r.refType === 'CHILD_OF')?.spanID;

  it('follows a run from the runWorkflow mutation through its passes and stage start to the process, in any process', async () => {
    const api = { graphql: graphqlAt(server.url) };
    const token = await loginAsAdmin(api.graphql);
    await seedTenant(api, token, 'acme', { projects: ['web'] });
    await createWorkflow(api, token, {
      tenant: 'acme',
      project: 'web',
      name: 'traced',
      stages: [sh('print', 'echo "traceparent=$TRACEPARENT"')],
    });
    const created = await runWorkflow(api, token, { tenant: 'acme', project: 'web', workflow: 'traced' });
    const run = await waitForRun(api, token, created.id, { timeoutMs: 60_000 });
    expect(run.phase).toBe('SUCCEEDED');

    // What the stage saw: a W3C traceparent.
    const printed = (await logLines(api, token, created.id, 'print')).find((line) => line.startsWith('traceparent='));
    const match = /^traceparent=00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(printed ?? '');
    expect(match, `the stage printed ${printed}`).not.toBeNull();
    const [, traceId = '', stageSpanId] = match as RegExpExecArray;

    // The whole trace, once the controller's spans have arrived too.
    const names = ['cyclone.run.create', 'cyclone.run.reconcile', 'cyclone.stage.start', 'cyclone.process.start'];
    const trace = (await waitFor(() => jaeger.trace(traceId).catch(() => undefined), {
      until: (found) =>
        found !== undefined && names.every((name) => found.spans.some((span) => span.operationName === name)),
      what: `trace ${traceId} with the run's spans`,
      timeoutMs: 30_000,
    })) as JaegerTrace;
    const spans = trace.spans;
    expect(new Set(spans.map((span) => span.traceID))).toEqual(new Set([traceId]));
    const byId = new Map(spans.map((span) => [span.spanID, span]));
    const one = (name: string) => {
      const found = spans.filter((span) => span.operationName === name);
      expect(found.map((span) => tag(span, 'cyclone.run.id'))).toContain(created.id);
      return found;
    };
    const ancestors = (span: JaegerSpan): JaegerSpan[] => {
      const parent = byId.get(parentOf(span) ?? '');
      return parent ? [parent, ...ancestors(parent)] : [];
    };
    const service = (span: JaegerSpan) => trace.processes[span.processID]?.serviceName;

    // The process start is a child of the stage start, whose traceparent the stage got.
    const [processStart] = one('cyclone.process.start');
    const stageStart = byId.get(parentOf(processStart as JaegerSpan) ?? '') as JaegerSpan;
    expect(stageStart.operationName).toBe('cyclone.stage.start');
    expect(stageStart.spanID).toBe(stageSpanId);
    expect(tag(stageStart, 'cyclone.stage')).toBe('print');
    expect(tag(stageStart, 'cyclone.stage.attempt')).toBe(1);
    // ... of a pass over the run in the controller process, under the run's creation and
    // the GraphQL mutation in the serving process.
    const chain = ancestors(stageStart);
    expect(chain[0]?.operationName).toBe('cyclone.run.reconcile');
    expect(service(chain[0] as JaegerSpan)).toBe('cyclone-controller');
    const creation = chain.find((span) => span.operationName === 'cyclone.run.create') as JaegerSpan;
    expect(creation).toBeDefined();
    expect(service(creation)).toBe('cyclone-api');
    expect(tag(creation, 'cyclone.run.id')).toBe(created.id);
    const mutation = chain.find((span) => tag(span, 'graphql.operation.type') === 'mutation');
    expect(mutation && tag(mutation, 'graphql.operation.name')).toBe('RunWorkflow');
    // The HTTP request the mutation came in is the trace's root.
    const root = chain.at(-1) as JaegerSpan;
    expect(tag(root, 'http.request.method') ?? tag(root, 'http.method')).toBe('POST');
    expect(parentOf(root)).toBeUndefined();
    // Every pass over the run is in this trace, not only the one that started the stage.
    expect(one('cyclone.run.reconcile').every((span) => ancestors(span).includes(creation))).toBe(true);
    // Postgres queries (pg instrumentation) show inside the passes.
    expect(
      spans.some((span) => tag(span, 'db.system') === 'postgresql' || tag(span, 'db.system.name') === 'postgresql'),
    ).toBe(true);

    // The serving process's log line of the run carries the trace's id.
    const logged = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; runId?: string; trace_id?: string; span_id?: string })
      .find((record) => record.msg === 'run created' && record.runId === created.id);
    expect(logged?.trace_id).toBe(traceId);
    expect(logged?.span_id).toMatch(/^[0-9a-f]{16}$/);
  }, 120_000);
});
