import { CHANNELS, logBatchPayload } from '../../db/notification-hub.js';
import type { PlainSql } from '../../db/plain-sql.js';
import type { LocalLogBatches, StoredLine } from '../../modules/runs/run-events.js';

/**
 * Statements under way at once on a pool. Batches handed over meanwhile wait and then
 * go together in one statement: 100 stages printing steadily made about 1,000
 * statements a second, each a round trip, a plan and a commit; queued up, they are a
 * few dozen, and Postgres's cost per line falls with the lines per statement
 * (bench/engine/log-scale.ts, bench/README "The live log path at scale").
 */
const MAX_IN_FLIGHT = 2;
/** What one statement carries at most (the first batch always goes, whatever its size). */
const MAX_LINES = 5_000;
const MAX_CHARS = 2 * 1024 * 1024;

interface Queued {
  runId: string;
  stage: string;
  lines: StoredLine[];
  chars: number;
  done: () => void;
  failed: (error: unknown) => void;
}

const keyOf = (batch: { runId: string; stage: string }) => `${batch.runId} ${batch.stage}`;

/**
 * Stores the log batches of every writer on one pool (LogWriter hands over one batch
 * of a stage at a time), several stages' batches in one statement when they queue up
 * behind the statements under way: a quiet log's batch goes at once, a busy
 * machine's go in fewer, larger statements. Each batch keeps its own notification and
 * its own outcome: this process's followers are handed it when every line was stored,
 * else told to read; a statement that fails is tried again batch by batch, so one bad
 * batch (its run deleted meanwhile) loses no other.
 */
export class LogBatchStore {
  private readonly queue: Queued[] = [];
  private inFlight = 0;
  /** This process's followers, handed the batches stored here (tellStoredBatches). */
  followers: LocalLogBatches | undefined;

  constructor(private readonly sql: PlainSql) {}

  /**
   * Resolves once the batch is stored (lines stored before are skipped), rejects when
   * it could not be. `chars`: the length of its texts, which the writer counted.
   */
  store(runId: string, stage: string, lines: StoredLine[], chars: number): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    return new Promise((done, failed) => {
      this.queue.push({ runId, stage, lines, chars, done, failed });
      this.next();
    });
  }

  private next(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const group = this.take();
      this.inFlight += 1;
      void this.write(group).finally(() => {
        this.inFlight -= 1;
        this.next();
      });
    }
  }

  /** The queued batches that fit one statement, in order; one per stage (its counts are per stage). */
  private take(): Queued[] {
    const group: Queued[] = [];
    const stages = new Set<string>();
    let lines = 0;
    let chars = 0;
    for (let at = 0; at < this.queue.length; ) {
      const batch = this.queue[at] as Queued;
      const fits = group.length === 0 || (lines + batch.lines.length <= MAX_LINES && chars + batch.chars <= MAX_CHARS);
      if (!fits) break;
      if (stages.has(keyOf(batch))) {
        at += 1;
        continue;
      }
      stages.add(keyOf(batch));
      group.push(batch);
      lines += batch.lines.length;
      chars += batch.chars;
      this.queue.splice(at, 1);
    }
    return group;
  }

  private async write(group: Queued[]): Promise<void> {
    for (const batch of group) this.followers?.writing(batch.runId, batch.stage, lastSeqOf(batch));
    let stored: Map<string, number>;
    try {
      stored = await this.insert(group);
    } catch (error) {
      if (group.length > 1) {
        for (const batch of group) await this.write([batch]);
        return;
      }
      for (const batch of group) {
        this.followers?.unsure(batch.runId, batch.stage);
        batch.failed(error);
      }
      return;
    }
    for (const batch of group) {
      if (stored.get(keyOf(batch)) === batch.lines.length)
        this.followers?.stored(batch.runId, batch.stage, batch.lines);
      else this.followers?.unsure(batch.runId, batch.stage);
      batch.done();
    }
  }

  /**
   * One statement: every batch's rows (a row already stored is skipped), each row with
   * its run's workflow (searchLogs filters by it; a run deleted meanwhile stores
   * nothing), and on commit one notification per batch. Returns the rows stored per stage.
   */
  private async insert(group: Queued[]): Promise<Map<string, number>> {
    const lineBatch: number[] = [];
    const seqs: string[] = [];
    const streams: string[] = [];
    const timestamps: string[] = [];
    const texts: string[] = [];
    group.forEach((batch, index) => {
      for (const line of batch.lines) {
        lineBatch.push(index + 1);
        seqs.push(line.seq);
        streams.push(line.stream);
        timestamps.push(line.timestamp.toISOString());
        texts.push(line.text);
      }
    });
    const rows = await this.sql.rows<{ batch: number; stored: number }>(
      // Every batch is answered and announced (`given`); only those whose run exists store rows (`batch`).
      `WITH given AS (
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS b(run_id, stage, payload, n)
      ), batch AS (
        SELECT g.n, g.run_id, g.stage, r.workflow_id FROM given g JOIN workflow_runs r ON r.id = g.run_id
      ), stored AS (
        INSERT INTO log_lines (run_id, workflow_id, stage, seq, stream, timestamp, text)
        SELECT b.run_id, b.workflow_id, b.stage, l.seq, l.stream::"LogStream", l.ts, l.text
        FROM unnest($4::int[], $5::bigint[], $6::text[], $7::timestamptz[], $8::text[]) AS l(batch, seq, stream, ts, text)
        JOIN batch b ON b.n = l.batch
        ON CONFLICT DO NOTHING
        RETURNING run_id, stage
      ), counted AS (
        SELECT run_id, stage, count(*)::int AS stored FROM stored GROUP BY run_id, stage
      )
      SELECT g.n::int AS batch, coalesce(c.stored, 0) AS stored, pg_notify($9, g.payload)
      FROM given g LEFT JOIN counted c ON c.run_id = g.run_id AND c.stage = g.stage`,
      [
        group.map((batch) => batch.runId),
        group.map((batch) => batch.stage),
        group.map((batch) => logBatchPayload(batch.runId, batch.stage, lastSeqOf(batch))),
        lineBatch,
        seqs,
        streams,
        timestamps,
        texts,
        CHANNELS.run,
      ],
    );
    const stored = new Map<string, number>();
    for (const row of rows) {
      const batch = group[row.batch - 1];
      if (batch) stored.set(keyOf(batch), row.stored);
    }
    return stored;
  }
}

const lastSeqOf = (batch: Queued) => (batch.lines.at(-1) as StoredLine).seq;

/** One store per pool: every writer on it shares its statements. */
const stores = new WeakMap<PlainSql, LogBatchStore>();

export function logBatchStoreOf(sql: PlainSql): LogBatchStore {
  let store = stores.get(sql);
  if (!store) {
    store = new LogBatchStore(sql);
    stores.set(sql, store);
  }
  return store;
}

/**
 * Tells `followers` of every batch the writers on `sql` store: the process's own
 * followers then get its batches without reading them back from Postgres.
 */
export function tellStoredBatches(sql: PlainSql, followers: LocalLogBatches): void {
  logBatchStoreOf(sql).followers = followers;
}
