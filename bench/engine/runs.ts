// Benchmark: submit N single-stage runs (command `true`), 100 in flight, through GraphQL to
// one API process (role all: GraphQL + controller + executor) and wait until every
// run SUCCEEDED. Prints the time, runs per minute, the latency from submission to
// stage start (p50/p95), CPU, peak API RSS and SQL statements per run.
// Run: pnpm --filter @cyclone/bench engine   (BENCH_RUNS=1000, BENCH_MAX_ACTIVE_RUNS=100)
// `engine -- --sizes 250,1000,4000` runs it once per size and prints a table (engine/main.ts).
// BENCH_SUBMIT_CONCURRENCY (100): submissions in flight at once. BENCH_SEQUENTIAL=1 submits one run after another (latency without queueing).
// BENCH_EXECUTOR=container runs each stage in a container of a private Docker Engine
// (Debian's docker.io, the locally built Debian image; root only) and also prints
// submit → container running, from the engine's start events.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { BASE_IMAGE, startContainerEngine } from '../../scripts/testenv/container-engine.mjs';
import { followContainerStarts } from '../lib/container-starts.js';
import { cpuSecondsOfTree, postmasterPidOf } from '../lib/cpu.js';
import { countersSince, readDbCounters, startDbCounters } from '../lib/db-counters.js';
import { createBenchWorkflow, graphql, seedBenchProject, startBenchPlatform } from '../lib/platform.js';
import { inPool, resender, SUBMIT_CONCURRENCY } from '../lib/pool.js';
import { peakRss } from '../lib/rss.js';
import { sizeResultLine } from '../lib/sizes.js';
import { percentile } from '../lib/stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const MAX_ACTIVE = process.env.BENCH_MAX_ACTIVE_RUNS ?? '100';
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 600_000);
const EXECUTOR = process.env.BENCH_EXECUTOR === 'container' ? 'container' : 'host';
/** BENCH_SEQUENTIAL=1: submit each run after the previous one ended (latency without queueing). */
const SEQUENTIAL = process.env.BENCH_SEQUENTIAL === '1';

const engineDir = EXECUTOR === 'container' ? mkdtempSync(join(tmpdir(), 'cyclone-bench-docker-')) : undefined;
const engine = engineDir ? await startContainerEngine({ stateDir: engineDir }) : undefined;
const platform = await startBenchPlatform({
  role: 'all',
  fromSource: process.env.BENCH_FROM_DIST !== '1',
  env: {
    CYCLONE_MAX_ACTIVE_RUNS: MAX_ACTIVE,
    CYCLONE_RUN_RETENTION: String(RUNS + 10),
    CYCLONE_EXECUTOR: EXECUTOR,
    ...(engine ? { DOCKER_HOST: engine.dockerHost, CYCLONE_CONTAINER_NETWORK: 'none' } : {}),
  },
});
const containerStarts = engine ? followContainerStarts(engine.socketPath) : undefined;
const rss = peakRss(platform.pid);
const sql = new pg.Client({ connectionString: platform.databaseUrl });
try {
  await sql.connect();
  const token = await seedBenchProject(platform.apiUrl);
  await createBenchWorkflow(platform.apiUrl, token, {
    name: 'noop',
    stages: [{ name: 'true', image: engine ? BASE_IMAGE : 'alpine', command: ['true'] }],
  });
  const countersBefore = await startDbCounters(sql);
  const postmasterPid = await postmasterPidOf(sql);
  // CPU of the API (and the stage processes it has not reaped yet) and of Postgres: less sensitive to load.
  const cpuBefore = { api: cpuSecondsOfTree(platform.pid), db: cpuSecondsOfTree(postmasterPid) };

  const started = Date.now();
  const submitted = new Map<string, number>();
  const resend = resender<{ runWorkflow: { id: string } }>(RUNS);
  const submit = () =>
    resend.send(() =>
      graphql<{ runWorkflow: { id: string } }>(
        platform.apiUrl,
        'mutation { runWorkflow(input: {tenant: "bench", project: "shop", workflow: "noop"}) { id } }',
        {},
        token,
      ),
    );
  if (SEQUENTIAL) {
    // One run at a time, each to its end: latencies without any queueing.
    for (let i = 0; i < RUNS; i += 1) {
      const at = Date.now();
      const id = (await submit()).runWorkflow.id;
      submitted.set(id, at);
      for (;;) {
        const { rows } = await sql.query<{ phase: string }>(
          `/* bench */ SELECT phase FROM workflow_runs WHERE id = $1`,
          [id],
        );
        if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(rows[0]?.phase ?? '')) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  } else {
    await inPool(RUNS, SUBMIT_CONCURRENCY, async () => {
      const at = Date.now();
      const data = await submit();
      submitted.set(data.runWorkflow.id, at);
    });
  }
  const allSubmittedMs = Date.now() - started;
  for (;;) {
    const { rows } = await sql.query<{ done: number; failed: number }>(
      `/* bench */ SELECT count(*) FILTER (WHERE phase = 'SUCCEEDED')::int AS done,
         count(*) FILTER (WHERE phase IN ('FAILED', 'CANCELLED'))::int AS failed FROM workflow_runs`,
    );
    const { done, failed } = rows[0] as { done: number; failed: number };
    if (failed > 0) throw new Error(`${failed} runs did not succeed`);
    if (done >= RUNS) break;
    if (Date.now() - started > TIMEOUT_MS) {
      const { rows: left } = await sql.query(
        `/* bench */ SELECT r.phase, r.wait_kind, s.phase AS stage_phase, count(*)::int AS runs FROM workflow_runs r
         LEFT JOIN stage_runs s ON s.run_id = r.id WHERE r.finished_at IS NULL GROUP BY 1, 2, 3`,
      );
      throw new Error(`only ${done} of ${RUNS} runs finished in time; the others: ${JSON.stringify(left)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const elapsedMs = Date.now() - started;
  const cpu = {
    api: cpuSecondsOfTree(platform.pid) - cpuBefore.api,
    db: cpuSecondsOfTree(postmasterPid) - cpuBefore.db,
  };
  // Backends report their row counts within PGSTAT_IDLE_INTERVAL (10 s) of going idle.
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  const counters = countersSince(countersBefore, await readDbCounters(sql));
  if (process.env.BENCH_SQL_TOP) {
    // Which statements a run costs, most frequent first.
    const top = await sql.query<{ calls: string; query: string }>(
      `SELECT calls, regexp_replace(query, '\\s+', ' ', 'g') AS query FROM pg_stat_statements
       WHERE query NOT LIKE '%/* bench */%' AND query NOT LIKE '%pg_stat_statements%' ORDER BY calls DESC LIMIT ${Number(process.env.BENCH_SQL_TOP)}`,
    );
    for (const row of top.rows)
      console.log(`${(Number(row.calls) / RUNS).toFixed(2).padStart(6)}  ${row.query.slice(0, 220)}`);
  }
  const { rows: starts } = await sql.query<{ run_id: string; started_at: Date }>(
    `/* bench */ SELECT run_id, started_at FROM stage_runs`,
  );
  const latencies = starts
    .map((row) => row.started_at.getTime() - (submitted.get(row.run_id) ?? row.started_at.getTime()))
    .sort((a, b) => a - b);
  const pct = (p: number) => percentile(latencies, p);
  const perRun = counters.statements / RUNS;
  // The last stage's end until the run was recorded finished.
  const { rows: ends } = await sql.query<{ ms: number }>(
    `/* bench */ SELECT extract(epoch FROM r.finished_at - max(s.finished_at)) * 1000 AS ms
     FROM workflow_runs r JOIN stage_runs s ON s.run_id = r.id GROUP BY r.id`,
  );
  const endToFinished = ends.map((row) => Number(row.ms));
  const toRunning = containerStarts
    ? [...containerStarts.startedAt()].map(([runId, at]) => at - (submitted.get(runId) ?? at)).sort((a, b) => a - b)
    : [];
  console.log(
    `load (uptime):           ${loadavg()
      .map((n) => n.toFixed(2))
      .join(', ')}`,
  );
  console.log(
    `runs:                    ${RUNS} single-stage (true), CYCLONE_MAX_ACTIVE_RUNS=${MAX_ACTIVE}, executor ${EXECUTOR}, ${SEQUENTIAL ? 'one after another' : `submitted ${SUBMIT_CONCURRENCY} at a time`}`,
  );
  console.log(`all submitted after:     ${(allSubmittedMs / 1000).toFixed(2)} s (${resend.resent()} requests resent)`);
  console.log(`all SUCCEEDED after:     ${(elapsedMs / 1000).toFixed(2)} s`);
  console.log(`throughput:              ${Math.round((RUNS / elapsedMs) * 60_000)} runs/min`);
  console.log(`submit → stage started:  p50 ${pct(50)} ms, p95 ${pct(95)} ms (queued runs included)`);
  if (containerStarts) {
    console.log(
      `submit → container running: p50 ${percentile(toRunning, 50)} ms, p95 ${percentile(toRunning, 95)} ms (${toRunning.length} containers, image present)`,
    );
  }
  console.log(`API peak RSS:            ${(rss.peakBytes() / 2 ** 20).toFixed(0)} MiB`);
  console.log(
    `CPU used:                API ${cpu.api.toFixed(1)} s, Postgres ${cpu.db.toFixed(1)} s (${(((cpu.api + cpu.db) * 1000) / RUNS).toFixed(1)} ms per run)`,
  );
  console.log(`SQL statements per run:  ${perRun.toFixed(1)} (API and controller, pg_stat_statements)`);
  console.log(`DB rows written per run: ${(counters.rowsWritten / RUNS).toFixed(1)} (inserted, updated, deleted)`);
  console.log(
    `stage end → run finished: p50 ${percentile(endToFinished, 50)} ms, p95 ${percentile(endToFinished, 95)} ms`,
  );
  console.log(
    sizeResultLine({
      runs: RUNS,
      cpuMsPerRun: ((cpu.api + cpu.db) * 1000) / RUNS,
      sqlPerRun: perRun,
      dbRowsWrittenPerRun: counters.rowsWritten / RUNS,
      submitToStartP95Ms: pct(95),
      endToFinishedP95Ms: percentile(endToFinished, 95),
      wallSeconds: elapsedMs / 1000,
    }),
  );
} finally {
  rss.stop();
  containerStarts?.stop();
  await sql.end().catch(() => undefined);
  await platform.stop();
  await engine?.stop();
  if (engineDir) rmSync(engineDir, { recursive: true, force: true });
}
