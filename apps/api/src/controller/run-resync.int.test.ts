import { workflowSpecSchema } from '@cyclone/domain';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPlainSql, type PlainSql } from '../db/plain-sql.js';
import { createPrismaClient, type Db } from '../db/prisma.js';
import type { Prisma } from '../generated/prisma/client.js';
import { createRunInTx } from '../modules/runs/run-create.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import type { Executor } from './executors/executor.js';
import { RunReconciler } from './run-reconciler.js';

const RESYNC_MS = 5_000;

/** Starts every stage and never reports an exit: its runs stay RUNNING, looked at only by passes. */
const heldExecutor: Executor = {
  kind: 'host',
  start: (launch) => `held:${launch.runId}:${launch.stage}`,
  kill: () => undefined,
  isOrphan: () => false,
  shutdown: async () => undefined,
};

/**
 * The resync is the net behind pushed exits and wake-ups: a run looked at within its
 * interval is left out, a run not looked at for an interval is looked at, and a wake
 * of all (the LISTEN connection back) looks at every run.
 */
describe('the run resync', () => {
  let database: TestDatabase;
  let db: Db;
  let sql: PlainSql;
  let runId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createPrismaClient(database.url);
    sql = createPlainSql(database.url);
    const tenant = await db.tenant.create({ data: { name: 'acme' } });
    const project = await db.project.create({ data: { tenantId: tenant.id, name: 'web' } });
    const spec = workflowSpecSchema.parse({ stages: [{ name: 'build', image: 'alpine:3.20' }] });
    const workflow = await db.workflow.create({
      data: {
        projectId: project.id,
        name: 'app',
        currentVersion: 1,
        versions: { create: { version: 1, spec: spec as unknown as Prisma.InputJsonObject } },
      },
    });
    const run = await sql.transaction((tx) =>
      createRunInTx(tx, workflow.id, { parameters: [], timeoutSeconds: null, createdById: null }),
    );
    runId = run.id;
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    await db?.$disconnect();
    await sql?.close();
    await database?.drop();
  });

  it('leaves out a run looked at within its interval, until a wake of all', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const reconciler = new RunReconciler({
      sql,
      logger: pino({ level: 'silent' }),
      executor: heldExecutor,
      resyncMs: RESYNC_MS,
    });
    const passes = vi.spyOn(reconciler, 'reconcileRun');
    const passAt = async (offsetMs: number) => {
      vi.setSystemTime(start + offsetMs);
      await reconciler.reconcileAll();
      return passes.mock.calls.length;
    };

    // Admitted, its stage started: one pass.
    expect(await passAt(0)).toBe(1);
    expect((await db.stageRun.findFirstOrThrow({ where: { runId } })).phase).toBe('RUNNING');
    // Woken a second later: passed over again.
    reconciler.wake(runId);
    expect(await passAt(1_000)).toBe(2);
    // The resync 5 s after the first: the run was looked at 4 s ago, so it is left out.
    expect(await passAt(RESYNC_MS)).toBe(2);
    // The next resync: not looked at for 9 s.
    expect(await passAt(2 * RESYNC_MS)).toBe(3);
    // A wake of all looks at every run, however recently looked at.
    reconciler.wake();
    expect(await passAt(2 * RESYNC_MS + 500)).toBe(4);
    expect(passes.mock.calls.every(([id]) => id === runId)).toBe(true);
  });
});
