import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { readRunDays, windowDays } from './run-day-statistics.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The overview's days: a past day is counted once and kept, and forgotten when its
 * runs change under it (deleted, opened again, inserted with a past time).
 */
describe('run day statistics', () => {
  let database: TestDatabase;
  let db: Db;
  let tenantId: string;
  let workflowId: string;
  let versionId: string;
  let number = 0;
  // Noon UTC today, so every day below is a whole day in offsets 0 and +60.
  const now = new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`);
  const days = windowDays(now, 5, 0);

  async function addRun(phase: 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'RUNNING', createdAt: number, seconds?: number) {
    number += 1;
    const run = await db.workflowRun.create({
      data: {
        workflowId,
        versionId,
        number,
        phase,
        createdAt: new Date(createdAt),
        startedAt: new Date(createdAt),
        finishedAt: seconds === undefined ? null : new Date(createdAt + seconds * 1000),
      },
    });
    return run.id;
  }
  const keptDays = async (offset = 0) =>
    (
      await db.$queryRaw<{ day: string; succeeded: number }[]>`
        SELECT to_char(day, 'YYYY-MM-DD') AS day, succeeded FROM run_day_statistics
        WHERE tenant_id = ${tenantId}::uuid AND utc_offset_minutes = ${offset} ORDER BY day`
    ).map((row) => `${row.day}:${row.succeeded}`);
  const read = (offset = 0) => readRunDays(db, { tenantId, offsetMinutes: offset, days, now });
  const figures = async (offset = 0) =>
    (await read(offset)).map((d) => [d.date, d.succeeded, d.failed, d.cancelled, d.running, d.averageDurationSeconds]);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createPrismaClient(database.url);
    const tenant = await db.tenant.create({ data: { name: 'acme' } });
    tenantId = tenant.id;
    const project = await db.project.create({ data: { tenantId, name: 'web' } });
    const workflow = await db.workflow.create({ data: { projectId: project.id, name: 'build', currentVersion: 1 } });
    workflowId = workflow.id;
    versionId = (await db.workflowVersion.create({ data: { workflowId, version: 1, spec: {} } })).id;
    const noon = now.getTime();
    await addRun('SUCCEEDED', noon - 3 * DAY, 60);
    await addRun('SUCCEEDED', noon - 3 * DAY + HOUR, 120);
    await addRun('FAILED', noon - 3 * DAY + 2 * HOUR, 10);
    await addRun('RUNNING', noon - 2 * DAY);
    await addRun('CANCELLED', noon - DAY, 5);
    await addRun('SUCCEEDED', noon - HOUR, 30);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it('counts each day, and keeps the past days without active runs', async () => {
    const expected = [
      [days[0], 0, 0, 0, 0, null],
      [days[1], 2, 1, 0, 0, 90],
      [days[2], 0, 0, 0, 1, null],
      [days[3], 0, 0, 1, 0, null],
      [days[4], 1, 0, 0, 0, 30],
    ];
    expect(await figures()).toEqual(expected);
    // Not the day with a running run, not today.
    expect(await keptDays()).toEqual([`${days[0]}:0`, `${days[1]}:2`, `${days[3]}:0`]);
    // The second read takes the kept days as they are.
    await db.$executeRaw`UPDATE run_day_statistics SET succeeded = 7 WHERE day = ${days[1]}::date`;
    expect((await read()).find((d) => d.date === days[1])?.succeeded).toBe(7);
    // Each offset keeps its own days.
    expect(await figures(60)).toEqual(expected);
    expect(await keptDays(60)).toEqual([`${days[0]}:0`, `${days[1]}:2`, `${days[3]}:0`]);
  });

  it('forgets a day when a run of it is deleted, opened again or inserted late', async () => {
    await read();
    const late = await addRun('SUCCEEDED', now.getTime() - 3 * DAY + 3 * HOUR, 30);
    expect(await keptDays()).not.toContain(`${days[1]}:7`);
    expect((await read()).find((d) => d.date === days[1])?.succeeded).toBe(3);

    await db.workflowRun.delete({ where: { id: late } });
    expect((await read()).find((d) => d.date === days[1])?.succeeded).toBe(2);

    const failed = await db.workflowRun.findFirstOrThrow({ where: { phase: 'FAILED' } });
    expect(await keptDays()).toContain(`${days[1]}:2`);
    await db.workflowRun.update({ where: { id: failed.id }, data: { phase: 'RUNNING' } });
    const reopened = (await read()).find((d) => d.date === days[1]);
    expect([reopened?.failed, reopened?.running]).toEqual([0, 1]);
    expect(await keptDays()).not.toContain(`${days[1]}:2`);
  });
});
