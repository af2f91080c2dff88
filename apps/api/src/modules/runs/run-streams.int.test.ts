import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tellStoredBatches } from '../../controller/executors/log-batch-store.js';
import { LogWriter } from '../../controller/executors/log-writer.js';
import { CHANNELS, NotificationHub } from '../../db/notification-hub.js';
import { createPlainSql, type PlainSql } from '../../db/plain-sql.js';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { startApiWithRun } from '../../testing/api-with-run.js';
import type { TestApi } from '../../testing/test-api.js';
import type { AuthUser } from '../identity/identity.service.js';
import { RunEvents } from './run-events.js';
import { followLogBatches, type RunStreamDeps } from './run-streams.js';
import type { LogLineView, RunsPresenter } from './runs.presenter.js';
import { StreamAccessChecks } from './stream-access.js';

/**
 * Followers of a log in the process that stores it (handed its batches) and in another
 * (reading them), on a real Postgres. The API runs as role `server`: the run only gives
 * the lines a home, the test's LogWriter stores them.
 */
describe('followLogBatches', () => {
  const logger = pino({ level: 'silent' });
  let api: TestApi;
  let db: Db;
  let runId: string;
  let stageNumber = 0;
  const closers: (() => unknown)[] = [];

  beforeAll(async () => {
    ({ api, runId } = await startApiWithRun());
    db = createPrismaClient(api.databaseUrl);
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await db?.$disconnect();
    await api?.stop();
  });

  /** A process's run notifications (listening) and log reads; `reads` counts the reads of lines. */
  async function aProcess() {
    const hub = new NotificationHub({ databaseUrl: api.databaseUrl, logger });
    const events = new RunEvents(hub);
    const sql = createPlainSql(api.databaseUrl);
    closers.push(
      () => hub.close(),
      () => events.close(),
      () => sql.close(),
    );
    // Listening from now on: what is announced before makes every follower read.
    await hub.start();
    const counter = { reads: 0 };
    const counted: PlainSql = {
      ...sql,
      rows: (text, values) => {
        if (text.includes('FROM log_lines')) counter.reads += 1;
        return sql.rows(text, values);
      },
    };
    const presenter = {
      getRun: async () => ({ id: runId }),
      assertCanRead: async () => undefined,
    } as unknown as RunsPresenter;
    const deps: RunStreamDeps = { db, sql: counted, presenter, events, access: new StreamAccessChecks(undefined) };
    return {
      events,
      counter,
      follow: (stage: string) => followLogBatches(deps, {} as AuthUser, runId, stage, undefined),
    };
  }

  /** A writer of a new stage of the run, its batches told to `events` (the writer's process). */
  function writerIn(events: RunEvents) {
    const sql = createPlainSql(api.databaseUrl);
    closers.push(() => sql.close());
    tellStoredBatches(sql, events);
    stageNumber += 1;
    return new LogWriter(sql, logger, { runId, stage: `s${stageNumber}`, firstSeq: 1 });
  }

  /** The next `count` lines a follower sends, and the batches they came in. */
  async function take(follower: AsyncGenerator<LogLineView[]>, count: number) {
    const batches: LogLineView[][] = [];
    while (batches.flat().length < count) {
      const next = await follower.next();
      if (next.done) throw new Error('the follower ended');
      batches.push(next.value);
    }
    return { batches, lines: batches.flat().map((line) => `${line.seq} ${line.line}`) };
  }

  const numbered = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `${from + i} line ${from + i}`);

  it("hands the writer's process its batches, the same objects to every follower, and another process reads them", async () => {
    const here = await aProcess();
    const elsewhere = await aProcess();
    const writer = writerIn(here.events);
    const [first, second, remote] = [
      here.follow(writer.stage),
      here.follow(writer.stage),
      elsewhere.follow(writer.stage),
    ];
    const got = { first: [] as string[], second: [] as string[], remote: [] as string[] };
    for (let i = 1; i <= 30; i++) {
      writer.line('STDOUT', `line ${i}`);
      await writer.close();
      const [a, b, c] = await Promise.all([take(first, 1), take(second, 1), take(remote, 1)]);
      // One execution per batch serves every follower of this process (graphql/shared-subscribe.ts).
      expect(a.batches[0]).toBe(b.batches[0]);
      got.first.push(...a.lines);
      got.second.push(...b.lines);
      got.remote.push(...c.lines);
    }
    expect(got).toEqual({ first: numbered(1, 30), second: numbered(1, 30), remote: numbered(1, 30) });
    // Here: the first read of each follower, where a read per batch would be 60.
    expect(here.counter.reads).toBeLessThanOrEqual(4);
    expect(elsewhere.counter.reads).toBeGreaterThanOrEqual(30);
    await Promise.all([first.return(undefined), second.return(undefined), remote.return(undefined)]);
  });

  it('hands over no batch with a line stored before: the follower reads the stored one', async () => {
    const here = await aProcess();
    const writer = writerIn(here.events);
    const follower = here.follow(writer.stage);
    const [{ lines: first }] = await Promise.all([take(follower, 1), writeLines(writer, 1, 1)]);
    expect(first).toEqual(['1 line 1']);
    // Stored by someone else first (a controller that took the attempt over): the writer's is skipped.
    await db.$executeRaw`INSERT INTO log_lines (run_id, workflow_id, stage, seq, stream, timestamp, text)
      SELECT id, workflow_id, ${writer.stage}, 2, 'STDOUT', now(), 'stored first' FROM workflow_runs WHERE id = ${runId}::uuid`;
    await writeLines(writer, 2, 3);
    const { lines } = await take(follower, 2);
    expect(lines).toEqual(['2 stored first', '3 line 3']);
    await follower.return(undefined);
  });

  it('lets a follower that lags read what it was handed past its bound, every line once, in order', async () => {
    const here = await aProcess();
    const writer = writerIn(here.events);
    const follower = here.follow(writer.stage);
    const [{ lines: first }] = await Promise.all([take(follower, 1), writeLines(writer, 1, 1)]);
    expect(first).toEqual(numbered(1, 1));
    const readsBefore = here.counter.reads;
    // 1,500 lines in 15 batches while the follower is not pulled.
    for (let batch = 0; batch < 15; batch++) await writeLines(writer, 2 + batch * 100, 101 + batch * 100);
    const { lines } = await take(follower, 1500);
    expect(lines).toEqual(numbered(2, 1501));
    expect(here.counter.reads).toBeGreaterThan(readsBefore);
    await follower.return(undefined);
  });

  it('wakes no run or tenant stream for a batch of log lines', async () => {
    const here = await aProcess();
    const runs = await here.events.watchAll();
    const writer = writerIn(here.events);
    await writeLines(writer, 1, 1);
    // A change of the run after the batch: the first change the streams hear of.
    const other = crypto.randomUUID();
    await db.$executeRaw`SELECT pg_notify(${CHANNELS.run}, ${other})`;
    expect(await runs.next(60_000)).toEqual([other]);
    runs.dispose();
  });

  async function writeLines(writer: LogWriter, from: number, to: number) {
    for (let i = from; i <= to; i++) writer.line('STDOUT', `line ${i}`);
    await writer.close();
  }
});
