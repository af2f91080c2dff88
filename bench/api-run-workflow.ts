// Benchmark: the cost of one runWorkflow mutation, the submit path of every trigger.
// The API runs as role server (no controller), so each run is created and stays
// PENDING: what is measured is the mutation alone (authorization, the version read, the
// run and its stage rows, the audit event, the notify), not the engine.
// Prints CPU ms per call (API and Postgres), SQL statements per call and latency.
// Run: pnpm --filter @cyclone/api build && pnpm --filter @cyclone/bench run-workflow
// BENCH_CALLS (2000), BENCH_CONCURRENCY (20), BENCH_STAGES (1), BENCH_SHOW_SQL=1,
// BENCH_API_NODE_OPTIONS=--cpu-prof to profile the API.
import { loadavg } from 'node:os';
import pg from 'pg';
import { cpuSecondsOfTree, postmasterPidOf } from './lib/cpu.js';
import { graphql, seedBenchProject, startBenchPlatform } from './lib/platform.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const STAGES = Number(process.env.BENCH_STAGES ?? 1);
const WARM_UP_CALLS = 100;
const RUN_WORKFLOW = 'mutation($input: RunWorkflowInput!) { runWorkflow(input: $input) { id number } }';

const platform = await startBenchPlatform({
  role: 'server',
  fromSource: process.env.BENCH_FROM_SOURCE === '1',
  env: {
    NODE_ENV: 'production',
    CYCLONE_RUN_RETENTION: String(CALLS + WARM_UP_CALLS + 10),
    CYCLONE_MAX_QUEUED_RUNS_PER_TENANT: String(CALLS + WARM_UP_CALLS + 10),
  },
});
const db = new pg.Client({ connectionString: platform.databaseUrl });
db.on('error', () => {});
try {
  const token = await seedBenchProject(platform.apiUrl);
  const stages = Array.from({ length: STAGES }, (_, i) => ({
    name: `s${i}`,
    image: 'debian:bookworm',
    command: ['true'],
    ...(i > 0 ? { dependsOn: [`s${i - 1}`] } : {}),
  }));
  await graphql(
    platform.apiUrl,
    'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
    { input: { tenant: 'bench', project: 'shop', name: 'submit', stages } },
    token,
  );
  const input = { tenant: 'bench', project: 'shop', workflow: 'submit' };
  const call = async (): Promise<number> => {
    const started = performance.now();
    await graphql(platform.apiUrl, RUN_WORKFLOW, { input }, token);
    return performance.now() - started;
  };
  /** `count` calls, `CONCURRENCY` at a time; returns each call's latency. */
  const callMany = async (count: number): Promise<number[]> => {
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
        while (next < count) {
          next += 1;
          latencies.push(await call());
        }
      }),
    );
    return latencies;
  };

  await callMany(WARM_UP_CALLS);
  await db.connect();
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await db.query('SELECT pg_stat_statements_reset()');
  const postmasterPid = await postmasterPidOf(db);
  const loadBefore = loadavg();
  const cpuBefore = { api: cpuSecondsOfTree(platform.pid), db: cpuSecondsOfTree(postmasterPid) };
  const started = performance.now();
  const latencies = await callMany(CALLS);
  const seconds = (performance.now() - started) / 1000;
  const perCall = (cpuSeconds: number) => ((cpuSeconds * 1000) / CALLS).toFixed(2);
  const cpu = {
    api: perCall(cpuSecondsOfTree(platform.pid) - cpuBefore.api),
    db: perCall(cpuSecondsOfTree(postmasterPid) - cpuBefore.db),
  };
  const statements = await db.query<{ calls: string }>(
    `SELECT coalesce(sum(calls), 0)::text AS calls FROM pg_stat_statements
     WHERE query NOT ILIKE '%pg_stat_statements%' AND dbid = (SELECT oid FROM pg_database WHERE datname = 'cyclone')`,
  );
  if (process.env.BENCH_SHOW_SQL === '1') {
    const top = await db.query<{ calls: string; ms: string; query: string }>(
      `SELECT calls::text, round(total_exec_time::numeric / calls, 3)::text AS ms,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 200) AS query
       FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY calls DESC LIMIT 25`,
    );
    for (const row of top.rows) console.log(`  ${row.calls.padStart(7)} x ${row.ms.padStart(7)} ms  ${row.query}`);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1);
  const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' / ');
  console.log(`runWorkflow of a ${STAGES}-stage workflow, ${CALLS} calls, ${CONCURRENCY} at a time`);
  console.log(
    `  load average before ${load(loadBefore)}, after ${load(loadavg())} (2 cores shared: CPU/call is the steady figure)`,
  );
  console.log(`  calls/s: ${(CALLS / seconds).toFixed(0)}; latency ms p50 ${at(0.5)}  p95 ${at(0.95)}`);
  console.log(`  CPU ms per call: API ${cpu.api}, Postgres ${cpu.db}`);
  console.log(`  SQL statements per call: ${(Number(statements.rows[0]?.calls) / CALLS).toFixed(2)}`);
} finally {
  await db.end().catch(() => {});
  await platform.stop();
}
