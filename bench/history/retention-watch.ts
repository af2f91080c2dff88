// What other sessions see while retention deletes: a writer storing log lines into a
// kept run (each batch timed) and a sampler of the longest wait for a lock in pg_stat_activity.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { percentile } from '../lib/stats.js';

export function watchWhileRetentionRuns(databaseUrl: string, keptRunId: string, workflowId: string) {
  const writer = new pg.Client({ connectionString: databaseUrl });
  const sampler = new pg.Client({ connectionString: databaseUrl });
  const insertMs: number[] = [];
  let longestLockWaitMs = 0;
  let longestLockWait = '';
  let isStopped = false;
  let seq = 0;
  const loops = (async () => {
    await writer.connect();
    await sampler.connect();
    const write = async () => {
      while (!isStopped) {
        const started = performance.now();
        // 100 lines a batch, as the log writer stores them (one multi-row INSERT).
        await writer.query(
          `INSERT INTO log_lines (run_id, workflow_id, stage, seq, stream, timestamp, text)
           SELECT $1, $2, 'writer', $3 + i, 'STDOUT', now(), 'a line written while retention runs ' || i
           FROM generate_series(1, 100) i`,
          [keptRunId, workflowId, seq],
        );
        insertMs.push(performance.now() - started);
        seq += 100;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const sample = async () => {
      while (!isStopped) {
        const { rows } = await sampler.query<{ ms: number; what: string }>(
          `SELECT extract(epoch FROM clock_timestamp() - state_change) * 1000 AS ms,
                  wait_event || ': ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 80) AS what
           FROM pg_stat_activity WHERE wait_event_type = 'Lock' ORDER BY 1 DESC LIMIT 1`,
        );
        const ms = Number(rows[0]?.ms ?? 0);
        if (ms > longestLockWaitMs) {
          longestLockWaitMs = ms;
          longestLockWait = rows[0]?.what ?? '';
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await Promise.all([write(), sample()]);
  })();
  return {
    async stop() {
      isStopped = true;
      await loops;
      await writer.end();
      await sampler.end();
      return {
        batches: insertMs.length,
        insertP50Ms: percentile(insertMs, 50),
        insertP95Ms: percentile(insertMs, 95),
        insertMaxMs: Math.max(0, ...insertMs),
        linesWritten: insertMs.length * 100,
        longestLockWaitMs,
        /** Its wait event and the waiting statement. */
        longestLockWait,
      };
    },
  };
}
