// Benchmark of the live paths of one API process (role all: GraphQL + controller +
// HostExecutor), in parts (BENCH_PARTS, comma-separated; all by default):
// - start:  runWorkflow → stage process started, idle, one run at a time (the stage
//           prints its own start time, so the figure ends when the process runs);
// - tail:   a stage prints a line → one graphql-ws subscriber receives it;
// - fanout: the same with BENCH_SUBSCRIBERS (1,000) subscribers on one run, each on its
//           own WebSocket; also the API's RSS meanwhile;
// - ingest: BENCH_INGEST_RUNS runs each printing BENCH_INGEST_LINES lines at once:
//           stored lines per second;
// - rss:    BENCH_RSS_RUNS (1,000) runs of `sleep` submitted at once (the limit keeps
//           most queued): peak API RSS while they are queued or running.
// Run: pnpm --filter @cyclone/bench exec tsx engine/live.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { cpuSecondsOfTree } from '../lib/cpu.js';
import { followStageLog } from '../lib/log-subscriber.js';
import { graphql, startBenchPlatform } from '../lib/platform.js';

const PARTS = new Set((process.env.BENCH_PARTS ?? 'start,tail,fanout,ingest,rss').split(','));
const STARTS = Number(process.env.BENCH_STARTS ?? 40);
const TICKS = Number(process.env.BENCH_TICKS ?? 50);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const INGEST_RUNS = Number(process.env.BENCH_INGEST_RUNS ?? 4);
const INGEST_LINES = Number(process.env.BENCH_INGEST_LINES ?? 50_000);
const RSS_RUNS = Number(process.env.BENCH_RSS_RUNS ?? 1000);

/** The ticker waits for this file in its run's workspace (a sandboxed stage sees nothing else). */
const GATE = '.bench-gate';
/** Subscribes `count` subscribers to a ticker run, opens the gate once all are live; latencies of the timestamps. */
async function tickerLatencies(count: number): Promise<{ latencies: number[]; complete: number; errors: string[] }> {
  const id = await runWorkflow('ticker');
  const latencies: number[] = [];
  const counts = new Array<number>(count).fill(0);
  let live = 0;
  const errors: string[] = [];
  const ended = Promise.all(
    counts.map((_, i) =>
      subscribe(id, (ms) => {
        if (ms === null) live += 1;
        else {
          counts[i] = (counts[i] ?? 0) + 1;
          latencies.push(ms);
        }
      }).catch((error: Error) => {
        errors.push(error.message);
      }),
    ),
  );
  const waitStarted = Date.now();
  while (live + errors.length < count && Date.now() - waitStarted < 300_000) await sleep(100);
  writeFileSync(join(platform.dataDir, 'workspaces', id, GATE), '');
  await ended;
  return { latencies, complete: counts.filter((n) => n === TICKS).length, errors };
}

const platform = await startBenchPlatform({
  role: 'all',
  fromSource: process.env.BENCH_FROM_DIST !== '1',
  env: {
    CYCLONE_RUN_RETENTION: '100000',
    ...(process.env.BENCH_MAX_ACTIVE_RUNS ? { CYCLONE_MAX_ACTIVE_RUNS: process.env.BENCH_MAX_ACTIVE_RUNS } : {}),
  },
});
const sql = new pg.Client({ connectionString: platform.databaseUrl });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const rssMb = () => {
  let status = '';
  try {
    status = readFileSync(`/proc/${platform.pid}/status`, 'utf8');
  } catch {
    return NaN; // the API has exited
  }
  const line = status.match(/VmRSS:\s+(\d+) kB/);
  return line ? Math.round(Number(line[1]) / 1024) : NaN;
};

let token = '';
const gql = <T>(query: string, variables: object = {}) => graphql<T>(platform.apiUrl, query, variables, token);
const createWorkflow = (name: string, script: string) =>
  gql('mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }', {
    input: {
      tenant: 'bench',
      project: 'live',
      name,
      stages: [{ name: 'main', image: 'alpine', command: ['sh', '-c', script] }],
    },
  });
const runWorkflow = async (workflow: string) =>
  (
    await gql<{ runWorkflow: { id: string } }>(
      'mutation($w: String!) { runWorkflow(input: {tenant: "bench", project: "live", workflow: $w}) { id } }',
      { w: workflow },
    )
  ).runWorkflow.id;
const waitRunsDone = async (ids: string[], timeoutMs = 600_000) => {
  const started = Date.now();
  for (;;) {
    const { rows } = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM workflow_runs WHERE id = ANY($1::uuid[]) AND finished_at IS NOT NULL`,
      [ids],
    );
    if (rows[0]?.n === ids.length) return;
    if (Date.now() - started > timeoutMs) throw new Error('runs did not finish in time');
    await sleep(100);
  }
};

/** Subscribes to a run's log of stage main; every line is a millisecond timestamp. */
function subscribe(runId: string, onLatency: (ms: number | null) => void): Promise<void> {
  return followStageLog({ apiUrl: platform.apiUrl, token, runId, stage: 'main' }, (line) => {
    const printed = Number(line);
    if (printed === 0) onLatency(null);
    else if (Number.isFinite(printed)) onLatency(Date.now() - printed);
  });
}

try {
  await sql.connect();
  token = (
    await graphql<{ login: { token: string } }>(
      platform.apiUrl,
      'mutation($input: LoginInput!) { login(input: $input) { token } }',
      { input: { email: 'admin@cyclone.local', password: 'cyclone-admin' } },
    )
  ).login.token;
  await gql('mutation { createTenant(input: {name: "bench"}) { id } }');
  await gql('mutation { createProject(input: {tenant: "bench", name: "live"}) { id } }');
  await createWorkflow('stamp', 'date +%s%3N');
  // Prints 0, then waits for the gate file (made once every subscriber got that 0,
  // i.e. is live) before printing timestamps.
  await createWorkflow(
    'ticker',
    `echo 0; while [ ! -e "$CYCLONE_WORKSPACE/${GATE}" ]; do sleep 0.05; done; i=0; while [ $i -lt ${TICKS} ]; do date +%s%3N; i=$((i+1)); sleep 0.1; done`,
  );
  await createWorkflow('flood', `seq 1 ${INGEST_LINES}`);
  await createWorkflow('sleeper', 'sleep 20');
  console.log(
    `load (uptime):               ${loadavg()
      .map((n) => n.toFixed(2))
      .join(', ')}`,
  );
  console.log(`API RSS idle:                ${rssMb()} MB`);

  if (PARTS.has('start')) {
    const latencies: number[] = [];
    // Where the time goes: request → run row, → admitted, → stage row RUNNING, → process printing.
    const segments: Record<'created' | 'admitted' | 'claimed' | 'printed' | 'response', number[]> = {
      created: [],
      admitted: [],
      claimed: [],
      printed: [],
      response: [],
    };
    for (let i = 0; i < STARTS; i++) {
      const at = Date.now();
      const id = await runWorkflow('stamp');
      segments.response.push(Date.now() - at);
      await waitRunsDone([id]);
      const { rows } = await sql.query<{ text: string; created: Date; admitted: Date; claimed: Date }>(
        `SELECT l.text, r.created_at AS created, r.admitted_at AS admitted, s.started_at AS claimed
         FROM log_lines l JOIN workflow_runs r ON r.id = l.run_id JOIN stage_runs s ON s.run_id = r.id
         WHERE l.run_id = $1`,
        [id],
      );
      const row = rows[0];
      if (!row) throw new Error('the stage printed nothing');
      latencies.push(Number(row.text) - at);
      segments.created.push(row.created.getTime() - at);
      segments.admitted.push(row.admitted.getTime() - row.created.getTime());
      segments.claimed.push(row.claimed.getTime() - row.admitted.getTime());
      segments.printed.push(Number(row.text) - row.claimed.getTime());
      await sleep(200);
    }
    console.log(
      `  p50 per step:               ${Object.entries(segments)
        .map(([name, values]) => `${name} ${pct(values, 50)} ms`)
        .join(', ')}`,
    );
    console.log(
      `runWorkflow → stage started: p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms, max ${Math.max(...latencies)} ms (${STARTS} runs, idle)`,
    );
  }

  if (PARTS.has('tail')) {
    const { latencies } = await tickerLatencies(1);
    console.log(
      `line printed → received:     p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms (1 subscriber, ${latencies.length} lines)`,
    );
  }

  if (PARTS.has('fanout')) {
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb() || 0);
    }, 200);
    const cpuBefore = cpuSecondsOfTree(platform.pid);
    const { latencies, complete, errors } = await tickerLatencies(SUBSCRIBERS);
    const cpu = cpuSecondsOfTree(platform.pid) - cpuBefore;
    clearInterval(sampler);
    console.log(
      `line printed → received:     p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms (${SUBSCRIBERS} subscribers; ${complete} got all ${TICKS} lines, ${errors.length} failed${errors[0] ? `, e.g. ${errors[0]}` : ''})`,
    );
    console.log(`API RSS with subscribers:    peak ${peak} MB`);
    // Less sensitive to other load than the latency: API CPU per line delivered to one subscriber
    // (subscribing and connecting included).
    console.log(
      `API CPU with subscribers:    ${cpu.toFixed(1)} s, ${((cpu * 1e6) / (SUBSCRIBERS * TICKS)).toFixed(0)} µs per line delivered`,
    );
  }

  if (PARTS.has('ingest')) {
    const ids = await Promise.all(Array.from({ length: INGEST_RUNS }, () => runWorkflow('flood')));
    const total = INGEST_RUNS * INGEST_LINES;
    for (;;) {
      const { rows } = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM log_lines WHERE run_id = ANY($1::uuid[])`,
        [ids],
      );
      if ((rows[0]?.n ?? 0) >= total) break;
      await sleep(50);
    }
    const doneAt = Date.now();
    const { rows } = await sql.query<{ first: Date }>(
      `SELECT min(timestamp) AS first FROM log_lines WHERE run_id = ANY($1::uuid[])`,
      [ids],
    );
    const seconds = (doneAt - (rows[0] as { first: Date }).first.getTime()) / 1000;
    console.log(
      `log lines ingested:          ${Math.round(total / seconds)} lines/s (${INGEST_RUNS} stages × ${INGEST_LINES} lines in ${seconds.toFixed(2)} s)`,
    );
    await waitRunsDone(ids);
  }

  if (PARTS.has('rss')) {
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb() || 0);
    }, 200);
    // Submitted 50 at a time: this part measures memory with the runs in, not the burst (runs.ts does).
    const ids: string[] = [];
    while (ids.length < RSS_RUNS) {
      const chunk = Math.min(50, RSS_RUNS - ids.length);
      ids.push(...(await Promise.all(Array.from({ length: chunk }, () => runWorkflow('sleeper')))));
    }
    await sleep(15_000);
    clearInterval(sampler);
    const { rows } = await sql.query<{ running: number; queued: number }>(
      `SELECT count(*) FILTER (WHERE phase = 'RUNNING')::int AS running,
              count(*) FILTER (WHERE admitted_at IS NULL)::int AS queued
       FROM workflow_runs WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    console.log(
      `API RSS, ${RSS_RUNS} runs submitted:    peak ${peak} MB (after 15 s: ${rows[0]?.running} running, ${rows[0]?.queued} queued)`,
    );
  }
} finally {
  await sql.end().catch(() => undefined);
  await platform.stop();
}
