import { Readable } from 'node:stream';
import { CONTINUED_MARK, TRUNCATED_PREFIX } from '@cyclone/domain/core';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlainSql, type PlainSql } from '../../db/plain-sql.js';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { startApiWithRun } from '../../testing/api-with-run.js';
import type { TestApi } from '../../testing/test-api.js';
import { waitFor } from '../../testing/wait.js';
import { LogWriter } from './log-writer.js';

const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * The log writer on a real Postgres, fed by streams as the executors feed it. The
 * API runs as role `server` (no controller): the run only gives the lines a home.
 */
describe('LogWriter', () => {
  let api: TestApi;
  let db: Db;
  let sql: PlainSql;
  let runId: string;
  const logger = pino({ level: 'silent' });
  let stageNumber = 0;
  const writerFor = (options: Partial<ConstructorParameters<typeof LogWriter>[2]> = {}) => {
    stageNumber += 1;
    return new LogWriter(sql, logger, { runId, stage: `s${stageNumber}`, firstSeq: 1, ...options });
  };
  const stored = (writer: LogWriter) =>
    db.logLine.findMany({ where: { runId, stage: writer.stage }, orderBy: { seq: 'asc' } });

  beforeAll(async () => {
    ({ api, runId } = await startApiWithRun());
    db = createPrismaClient(api.databaseUrl);
    sql = createPlainSql(api.databaseUrl);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await sql?.close();
    await api?.stop();
  });

  it('stops reading a stream that prints faster than the database stores, and loses nothing', async () => {
    // The database is made slower than any stage: nothing can be inserted until the lock goes.
    const lock = new pg.Client({ connectionString: api.databaseUrl });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE log_lines IN EXCLUSIVE MODE');
    const chunk = Buffer.from('y\n'.repeat(8192));
    let produced = 0;
    let isStopped = false;
    // A `yes`: it produces whenever it is read, for ever.
    const flood = new Readable({
      read() {
        if (isStopped) {
          this.push(null);
          return;
        }
        produced += 8192;
        this.push(chunk);
      },
    });
    const writer = writerFor();
    try {
      writer.follow(flood, 'STDOUT');
      await waitFor(() => flood.isPaused(), { what: 'the writer to pause the flood' });
      await turns(50);
      const held = produced;
      await turns(500);
      // Paused for good: the flood is not read while the batches wait.
      expect(produced).toBe(held);
      // What waits is a few batches and the stream's own buffer, not the flood.
      expect(held).toBeLessThan(50_000);
    } finally {
      isStopped = true;
      await lock.query('COMMIT');
      await lock.end();
    }
    await writer.close();
    const [count] = await db.$queryRaw<{ n: bigint; last: bigint }[]>`
      SELECT count(*) AS n, max(seq) AS last FROM log_lines WHERE run_id = ${runId}::uuid AND stage = ${writer.stage}`;
    expect(Number(count?.n)).toBe(produced);
    expect(Number(count?.last)).toBe(produced);
  });

  it('stores a steadily printing stage a few lines a statement, and a quiet line at once', async () => {
    let statements = 0;
    const counted: PlainSql = {
      ...sql,
      rows: (text, values) => {
        statements += 1;
        return sql.rows(text, values);
      },
    };
    stageNumber += 1;
    const writer = new LogWriter(counted, logger, { runId, stage: `s${stageNumber}`, firstSeq: 1 });
    // A line every 10 ms, as a stage printing 100 lines a second.
    for (let i = 1; i <= 100; i++) {
      writer.line('STDOUT', `line ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Stored while the writer is open, not held until the stage ends.
    await waitFor(async () => (await stored(writer)).length === 100, { what: 'the lines to be stored' });
    // At most one statement per 100 ms (1 s of lines: about 10), where a line each would be 100.
    expect(statements).toBeLessThanOrEqual(30);
    expect((await stored(writer)).map((line) => line.text)).toEqual(
      Array.from({ length: 100 }, (_, i) => `line ${i + 1}`),
    );

    const quiet = statements;
    writer.line('STDOUT', 'a quiet line');
    await waitFor(async () => (await stored(writer)).length === 101, { what: 'the quiet line' });
    expect(statements).toBe(quiet + 1);
    await writer.close();
  });

  it('truncates the log at its limit with one line saying so, and keeps its own lines after it', async () => {
    const writer = writerFor({ limits: { maxLineBytes: 100, maxLogBytes: 1000 } });
    const line = 'x'.repeat(19);
    writer.follow(Readable.from(Array.from({ length: 100 }, () => `${line}\n`)), 'STDOUT');
    await new Promise((resolve) => setImmediate(resolve));
    await writer.close();
    writer.line('STDOUT', '[cyclone] stored artifact "report"');
    await writer.close();
    const lines = await stored(writer);
    // 52 lines of 19 bytes fit in 1000; the 53rd does not.
    expect(lines.map((l) => Number(l.seq))).toEqual(Array.from({ length: 54 }, (_, i) => i + 1));
    expect(lines.slice(0, 52).every((l) => l.text === line)).toBe(true);
    expect(lines[52]?.text.startsWith(TRUNCATED_PREFIX)).toBe(true);
    expect(lines[52]?.text).toContain('1000 bytes');
    expect(lines[53]?.text).toBe('[cyclone] stored artifact "report"');
    expect(writer.isTruncated).toBe(true);
  });

  it('goes on from what an earlier writer of the attempt stored (a takeover)', async () => {
    const writer = writerFor({
      limits: { maxLineBytes: 100, maxLogBytes: 100 },
      stored: { bytes: 90, isTruncated: false },
    });
    writer.follow(Readable.from(['12345\n', '1234567890\n', 'more\n']), 'STDOUT');
    await writer.close();
    const lines = await stored(writer);
    expect(lines.map((l) => l.text.slice(0, TRUNCATED_PREFIX.length))).toEqual(['12345', TRUNCATED_PREFIX]);
  });

  it('stores a line without end in marked pieces within the limit, masking a secret wherever the chunks cut it', async () => {
    const writer = writerFor({ secrets: ['S3CRET-VALUE'], limits: { maxLineBytes: 64, maxLogBytes: 10_000 } });
    const text = `${'a'.repeat(55)}S3CRET-VALUE${'b'.repeat(100)}S3CRET-VALUE${'c'.repeat(30)}`;
    // Chunks of 7 bytes: the secret arrives in pieces, and straddles the line limit.
    const chunks = text.match(/.{1,7}/g) as string[];
    writer.follow(Readable.from(chunks), 'STDERR');
    await writer.close();
    const lines = await stored(writer);
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) {
      expect(Buffer.byteLength(l.text)).toBeLessThanOrEqual(64);
      expect(l.stream).toBe('STDERR');
    }
    expect(lines[0]?.text.startsWith(CONTINUED_MARK)).toBe(false);
    expect(lines.slice(1).every((l) => l.text.startsWith(CONTINUED_MARK))).toBe(true);
    const joined = lines.map((l) => l.text.replace(CONTINUED_MARK, '')).join('');
    expect(joined).toBe(text.replaceAll('S3CRET-VALUE', '***'));
  });
});
