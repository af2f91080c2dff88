import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { CHANNELS, logBatchPayload } from '../../db/notification-hub.js';
import { createPlainSql, type PlainSql } from '../../db/plain-sql.js';
import type { LocalLogBatches, StoredLine } from '../../modules/runs/run-events.js';
import { startApiWithRun } from '../../testing/api-with-run.js';
import type { TestApi } from '../../testing/test-api.js';
import { waitFor } from '../../testing/wait.js';
import { LogBatchStore } from './log-batch-store.js';

/** What the store told this process's followers, in order. */
function recordingFollowers() {
  const told: string[] = [];
  const handed: StoredLine[][] = [];
  const followers: LocalLogBatches = {
    writing: (runId, stage, lastSeq) => told.push(`writing ${runId} ${stage} ${lastSeq}`),
    stored: (runId, stage, lines) => {
      told.push(`stored ${runId} ${stage}`);
      handed.push(lines);
    },
    unsure: (runId, stage) => told.push(`unsure ${runId} ${stage}`),
  };
  return { told, handed, followers };
}

const linesOf = (stage: string, from: number, count: number): StoredLine[] =>
  Array.from({ length: count }, (_, i) => ({
    seq: String(from + i),
    stage,
    stream: 'STDOUT' as const,
    text: `${stage} line ${from + i}`,
    timestamp: new Date(Date.UTC(2026, 11, 7, 12, 0, 0, from + i)),
  }));

/** Hands `lines` to the store as a LogWriter does, with the length of their texts. */
const put = (store: LogBatchStore, runId: string, stage: string, lines: StoredLine[]) =>
  store.store(
    runId,
    stage,
    lines,
    lines.reduce((sum, line) => sum + line.text.length, 0),
  );

/** The store on a real Postgres; the API runs as role `server`: the run only gives the lines a home. */
describe('LogBatchStore', () => {
  let api: TestApi;
  let sql: PlainSql;
  let runId: string;
  let statements = 0;
  let counted: PlainSql;
  let reader: pg.Client;

  const storedOf = async (stage: string) =>
    (
      await reader.query<{ seq: string; text: string; timestamp: Date }>(
        'SELECT seq::text, text, timestamp FROM log_lines WHERE run_id = $1 AND stage = $2 ORDER BY log_lines.seq',
        [runId, stage],
      )
    ).rows;

  /** Holds every insert into log_lines until the returned release is called. */
  const lockLogLines = async () => {
    const lock = new pg.Client({ connectionString: api.databaseUrl });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE log_lines IN EXCLUSIVE MODE');
    return async () => {
      await lock.query('COMMIT');
      await lock.end();
    };
  };

  /** Waits until `count` statements wait for the lock on log_lines. */
  const waitingInserts = (count: number) =>
    waitFor(
      async () => {
        const { rows } = await reader.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO log_lines%'`,
        );
        return rows[0]?.n === count;
      },
      { what: `${count} inserts waiting for the lock` },
    );

  beforeAll(async () => {
    ({ api, runId } = await startApiWithRun());
    sql = createPlainSql(api.databaseUrl, 4, { prepared: true });
    counted = {
      ...sql,
      rows: (text, values) => {
        statements += 1;
        return sql.rows(text, values);
      },
    };
    reader = new pg.Client({ connectionString: api.databaseUrl });
    await reader.connect();
  });

  afterAll(async () => {
    await reader?.end();
    await sql?.close();
    await api?.stop();
  });

  it('stores the batches that queue behind the statements under way in one statement, each with its notification', async () => {
    const store = new LogBatchStore(counted);
    const { told, handed, followers } = recordingFollowers();
    store.followers = followers;
    const heard: string[] = [];
    const listener = new pg.Client({ connectionString: api.databaseUrl });
    await listener.connect();
    listener.on('notification', (message) => {
      if (message.payload?.startsWith(runId)) heard.push(message.payload);
    });
    await listener.query(`LISTEN "${CHANNELS.run}"`);
    onTestFinished(() => listener.end());
    const release = await lockLogLines();
    const before = statements;
    const stages = Array.from({ length: 10 }, (_, i) => `queued-${i}`);
    const batches = stages.map((stage, i) => linesOf(stage, 1, i + 1));
    const stored = stages.map((stage, i) => put(store, runId, stage, batches[i] as StoredLine[]));
    // Two statements are under way (held by the lock); the other eight batches wait.
    await waitingInserts(2);
    expect(statements - before).toBe(2);
    await release();
    await Promise.all(stored);
    // The eight that waited went together.
    expect(statements - before).toBe(3);
    for (const [i, stage] of stages.entries()) {
      const rows = await storedOf(stage);
      expect(rows.map((row) => row.text)).toEqual(batches[i]?.map((line) => line.text));
      expect(rows.map((row) => row.timestamp.getTime())).toEqual(batches[i]?.map((line) => line.timestamp.getTime()));
    }
    // Every batch was announced to other processes and handed to this one's followers, the same arrays.
    await waitFor(() => heard.length === 10, { what: 'ten notifications' });
    expect(heard.sort()).toEqual(stages.map((stage, i) => logBatchPayload(runId, stage, String(i + 1))).sort());
    expect(told.filter((line) => line.startsWith('writing')).sort()).toEqual(
      stages.map((stage, i) => `writing ${runId} ${stage} ${i + 1}`).sort(),
    );
    expect(told.filter((line) => !line.startsWith('writing')).sort()).toEqual(
      stages.map((stage) => `stored ${runId} ${stage}`).sort(),
    );
    expect(handed.every((lines) => batches.includes(lines))).toBe(true);
  });

  it('keeps a stage to one batch a statement, in order', async () => {
    const store = new LogBatchStore(counted);
    const { told, followers } = recordingFollowers();
    store.followers = followers;
    const release = await lockLogLines();
    const before = statements;
    const held = [
      put(store, runId, 'held-a', linesOf('held-a', 1, 1)),
      put(store, runId, 'held-b', linesOf('held-b', 1, 1)),
    ];
    await waitingInserts(2);
    // Two batches of one stage and one of another wait: the second of the stage goes after the first.
    const waiting = [
      put(store, runId, 'twice', linesOf('twice', 1, 3)),
      put(store, runId, 'twice', linesOf('twice', 4, 3)),
      put(store, runId, 'once', linesOf('once', 1, 2)),
    ];
    await release();
    await Promise.all([...held, ...waiting]);
    expect(statements - before).toBe(4);
    expect((await storedOf('twice')).map((row) => row.seq)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(told.filter((line) => line.startsWith(`stored ${runId} twice`))).toHaveLength(2);
    expect(told.some((line) => line.startsWith('unsure'))).toBe(false);
  });

  it('tells followers to read a batch whose lines were stored before, or whose run is gone', async () => {
    const store = new LogBatchStore(counted);
    const { told, followers } = recordingFollowers();
    store.followers = followers;
    await put(store, runId, 'again', linesOf('again', 1, 3));
    // A takeover writes lines 3–5: line 3 is there already and is kept as it was.
    const overlap = linesOf('again', 3, 3).map((line) => ({ ...line, text: `new ${line.seq}` }));
    const gone = randomUUID();
    await Promise.all([put(store, runId, 'again', overlap), put(store, gone, 'main', linesOf('main', 1, 2))]);
    expect((await storedOf('again')).map((row) => row.text)).toEqual([
      'again line 1',
      'again line 2',
      'again line 3',
      'new 4',
      'new 5',
    ]);
    expect(told).toContain(`stored ${runId} again`);
    expect(told).toContain(`unsure ${runId} again`);
    expect(told).toContain(`unsure ${gone} main`);
    const { rows } = await reader.query('SELECT 1 FROM log_lines WHERE run_id = $1', [gone]);
    expect(rows).toHaveLength(0);
  });

  it('stores the other batches of a statement that fails, and fails only the bad one', async () => {
    const store = new LogBatchStore(counted);
    const { told, followers } = recordingFollowers();
    store.followers = followers;
    const release = await lockLogLines();
    const held = [
      put(store, runId, 'lock-a', linesOf('lock-a', 1, 1)),
      put(store, runId, 'lock-b', linesOf('lock-b', 1, 1)),
    ];
    await waitingInserts(2);
    const bad = linesOf('bad', 1, 2).map((line) => ({ ...line, stream: 'NOT-A-STREAM' as StoredLine['stream'] }));
    const outcomes = Promise.allSettled([
      put(store, runId, 'good-1', linesOf('good-1', 1, 2)),
      put(store, runId, 'bad', bad),
      put(store, runId, 'good-2', linesOf('good-2', 1, 2)),
    ]);
    await release();
    await Promise.all(held);
    const [good1, failed, good2] = await outcomes;
    expect(good1?.status).toBe('fulfilled');
    expect(good2?.status).toBe('fulfilled');
    expect(failed?.status).toBe('rejected');
    expect(String((failed as PromiseRejectedResult).reason)).toContain('NOT-A-STREAM');
    expect(await storedOf('good-1')).toHaveLength(2);
    expect(await storedOf('good-2')).toHaveLength(2);
    expect(await storedOf('bad')).toHaveLength(0);
    expect(told).toContain(`unsure ${runId} bad`);
    expect(told).toContain(`stored ${runId} good-1`);
  });
});
