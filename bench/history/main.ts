// Benchmark: does a large history slow what users do? Times a run's log replay (10,000
// lines), the runs list (first page, the web's query) and the overview on a database
// with 96 runs, then loads in bulk (SQL, generate_series) BENCH_HISTORY_RUNS finished
// runs (100,000) with their stage rows and BENCH_HISTORY_LINES log lines (20,000,000),
// ANALYZEs and times the same again; prints both and the ratio. Then restarts the API
// as a controller with CYCLONE_RUN_RETENTION=BENCH_RETENTION_KEEP and times the
// product's retention job deleting the runs beyond that, while a writer stores log
// lines into a kept run (each batch timed) and a sampler watches for lock waits.
//
// Run: pnpm --filter @cyclone/bench history
// BENCH_HISTORY_RUNS, BENCH_HISTORY_LINES, BENCH_RETENTION_KEEP (runs kept per workflow,
// default 3,000: about half the history goes), BENCH_TIMES (requests per probe, 20),
// BENCH_KEEP_DIR=<folder> keeps the database there (the load is not repeated),
// BENCH_RETENTION=0 leaves retention out (e.g. to time the queries again on the kept database).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { cpuSecondsOfTree, postmasterPidOf } from '../lib/cpu.js';
import { graphql, startBenchPlatform } from '../lib/platform.js';
import {
  insertLinesSql,
  insertRunsSql,
  insertStageLinesSql,
  type RunSet,
  runIdSql,
  type Workflow,
} from './history.sql.js';
import { watchWhileRetentionRuns } from './retention-watch.js';
import { probes, type Timing, timeProbes } from './timing.js';

/** 0: only the small database's figures (e.g. to compare with a kept large one). */
const HISTORY_RUNS = Number(process.env.BENCH_HISTORY_RUNS ?? 100_000);
const HISTORY_LINES = Number(process.env.BENCH_HISTORY_LINES ?? 20_000_000);
const KEEP = Number(process.env.BENCH_RETENTION_KEEP ?? 3_000);
const TIMES = Number(process.env.BENCH_TIMES ?? 20);
const REPLAY_LINES = 10_000;
const WORKFLOWS = 16;
const CHUNK = 1_000_000;
const TRGM_INDEX =
  'CREATE INDEX IF NOT EXISTS "log_lines_text_trgm_idx" ON "log_lines" USING GIN ("text" gin_trgm_ops)';
const WORKFLOW_INDEX =
  'CREATE INDEX IF NOT EXISTS "log_lines_workflow_id_timestamp_idx" ON "log_lines" ("workflow_id", "timestamp" DESC, "run_id" DESC, "stage" DESC, "seq" DESC)';

const dataDir = process.env.BENCH_KEEP_DIR ?? mkdtempSync(join(tmpdir(), 'cyclone-bench-history-'));
const serverEnv = { NODE_ENV: 'production', CYCLONE_QUERY_CACHE_MAX_AGE: '0' };
// The API's source under tsx, as the engine bench runs it; BENCH_FROM_DIST=1: its build (pnpm build).
const fromSource = process.env.BENCH_FROM_DIST !== '1';
const at = new Date();
const minutesAgo = (minutes: number) => new Date(at.getTime() - minutes * 60_000).toISOString();
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ');

let platform = await startBenchPlatform({ keepDataIn: dataDir, fromSource, env: serverEnv });
let sql = await connect(platform.databaseUrl);
try {
  console.log(`load average before: ${load()}`);
  const admin = await login();
  const workflows = await ensureWorkflows(admin);
  const base: RunSet = {
    prefix: 'base-',
    count: 96,
    numberBase: 1_000_000,
    start: minutesAgo(60),
    spanSeconds: 3600,
    workflows,
  };
  const history: RunSet = {
    prefix: 'hist-',
    count: HISTORY_RUNS,
    numberBase: 0,
    start: minutesAgo(31 * 24 * 60),
    spanSeconds: 30 * 86_400,
    workflows,
  };
  const perRun = Math.max(2, Math.round(HISTORY_LINES / HISTORY_RUNS));
  const replayRunId = (await sql.query<{ id: string }>(`SELECT ${runIdSql(base, '0')} AS id`)).rows[0]?.id as string;
  const postmasterPid = await postmasterPidOf(sql);
  const cpu = () => cpuSecondsOfTree(platform.pid) + cpuSecondsOfTree(postmasterPid);
  const isLoaded = Number((await sql.query('SELECT count(*) AS n FROM workflow_runs')).rows[0].n) > base.count;

  let empty: Timing[] | undefined;
  if (!isLoaded) {
    for (const statement of insertRunsSql(base)) await sql.query(statement);
    await sql.query(insertStageLinesSql(base, 0, 'build', REPLAY_LINES));
    await sql.query(insertLinesSql(base, 200, 0, base.count * 200));
    await sql.query('VACUUM ANALYZE');
    empty = await timeProbes(probes(platform.apiUrl, admin, replayRunId), TIMES, cpu);
    printTimings(`${base.count} runs, ${await lineCount()} log lines`, empty);
    if (HISTORY_RUNS > 0) await loadHistory(history, perRun);
  }
  if (HISTORY_RUNS > 0) {
    const loaded = await timeProbes(probes(platform.apiUrl, admin, replayRunId), TIMES, cpu);
    printTimings(`${HISTORY_RUNS + base.count} runs, ${await lineCount()} log lines`, loaded);
    if (empty) printRatios(empty, loaded);
    await printSizes();
    if (process.env.BENCH_RETENTION !== '0') await timeRetention(workflows, base);
  }
  console.log(`load average after: ${load()}`);
} finally {
  await sql.end().catch(() => undefined);
  await platform.stop();
  if (!process.env.BENCH_KEEP_DIR) rmSync(dataDir, { recursive: true, force: true });
}

async function timeRetention(workflows: readonly Workflow[], base: RunSet): Promise<void> {
  // Retention: the controller's own job, with the history over the limit.
  const expected = Number(
    (
      await sql.query(
        `SELECT sum(least(n, ${KEEP})) AS n FROM (SELECT count(*) AS n FROM workflow_runs GROUP BY workflow_id) c`,
      )
    ).rows[0].n,
  );
  const before = Number((await sql.query('SELECT count(*) AS n FROM workflow_runs')).rows[0].n);
  const linesBefore = await lineCount();
  // The newest run of service-1: retention keeps it, a writer stores lines into it meanwhile.
  const keptRunId = (await sql.query<{ id: string }>(`SELECT ${runIdSql(base, String(base.count - WORKFLOWS))} AS id`))
    .rows[0]?.id as string;
  await sql.end();
  await platform.stop();
  const started = performance.now();
  platform = await startBenchPlatform({
    keepDataIn: dataDir,
    fromSource,
    role: 'all',
    env: { ...serverEnv, CYCLONE_RUN_RETENTION: String(KEEP) },
  });
  sql = await connect(platform.databaseUrl);
  const watch = watchWhileRetentionRuns(platform.databaseUrl, keptRunId, workflows[0]?.id as string);
  let left = before;
  while (left > expected) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    left = Number((await sql.query('SELECT count(*) AS n FROM workflow_runs')).rows[0].n);
  }
  const seconds = (performance.now() - started) / 1000;
  const seen = await watch.stop();
  console.log(
    `\nretention (CYCLONE_RUN_RETENTION=${KEEP}): ${(before - left).toLocaleString('en')} runs and ${(linesBefore + seen.linesWritten - (await lineCount())).toLocaleString('en')} log lines deleted in ${seconds.toFixed(1)} s (API start included)`,
  );
  console.log(
    `meanwhile: ${seen.batches} INSERTs of 100 log lines into a kept run: p50 ${seen.insertP50Ms.toFixed(1)} ms, p95 ${seen.insertP95Ms.toFixed(1)} ms, max ${seen.insertMaxMs.toFixed(1)} ms; longest lock wait seen in pg_stat_activity ${seen.longestLockWaitMs.toFixed(0)} ms (${seen.longestLockWait || 'none'})`,
  );
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

async function login(): Promise<string> {
  const data = await graphql<{ login: { token: string } }>(
    platform.apiUrl,
    'mutation($input: LoginInput!) { login(input: $input) { token } }',
    { input: { email: 'admin@cyclone.local', password: 'cyclone-admin' } },
  );
  return data.login.token;
}

/** Tenant bench: project-1…4, each with 4 of service-1…16 (two stages: build, test). */
async function ensureWorkflows(admin: string): Promise<Workflow[]> {
  if ((await sql.query("SELECT 1 FROM tenants WHERE name = 'bench'")).rowCount === 0) {
    await graphql(platform.apiUrl, 'mutation { createTenant(input: {name: "bench"}) { id } }', {}, admin);
    for (let w = 1; w <= WORKFLOWS; w++) {
      const project = `project-${Math.ceil(w / 4)}`;
      if (w % 4 === 1)
        await graphql(
          platform.apiUrl,
          'mutation($p: String!) { createProject(input: {tenant: "bench", name: $p}) { id } }',
          { p: project },
          admin,
        );
      await graphql(
        platform.apiUrl,
        'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
        {
          input: {
            tenant: 'bench',
            project,
            name: `service-${w}`,
            stages: [
              { name: 'build', image: 'alpine:3.20', command: ['true'] },
              { name: 'test', image: 'alpine:3.20', command: ['true'], dependsOn: ['build'] },
            ],
          },
        },
        admin,
      );
    }
  }
  const { rows } = await sql.query<{ id: string; version_id: string }>(
    `SELECT w.id, v.id AS version_id FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id
     WHERE w.name LIKE 'service-%' ORDER BY substr(w.name, 9)::int`,
  );
  return rows.map((r) => ({ id: r.id, versionId: r.version_id }));
}

/** Runs and stage rows, then the lines without the two search indexes (built after, as a bulk load would). */
async function loadHistory(set: RunSet, perRun: number): Promise<void> {
  let started = performance.now();
  for (const statement of insertRunsSql(set)) await sql.query(statement);
  console.log(`\nloaded ${set.count.toLocaleString('en')} runs and their stage rows in ${seconds(started)} s`);
  await sql.query('DROP INDEX IF EXISTS "log_lines_text_trgm_idx"');
  await sql.query('DROP INDEX IF EXISTS "log_lines_workflow_id_timestamp_idx"');
  started = performance.now();
  const total = set.count * perRun;
  for (let from = 0; from < total; from += CHUNK) {
    const to = Math.min(total, from + CHUNK);
    const chunkStarted = performance.now();
    await sql.query(insertLinesSql(set, perRun, from, to));
    const rate = (to - from) / ((performance.now() - chunkStarted) / 1000);
    console.log(`  ${to.toLocaleString('en')} lines (${Math.round(rate).toLocaleString('en')} lines/s)`);
  }
  console.log(`loaded ${total.toLocaleString('en')} log lines in ${seconds(started)} s`);
  await sql.query("SET maintenance_work_mem = '256MB'");
  for (const statement of [TRGM_INDEX, WORKFLOW_INDEX]) {
    started = performance.now();
    await sql.query(statement);
    console.log(`${statement.split(' ON ')[0]}: ${seconds(started)} s`);
  }
  started = performance.now();
  await sql.query('VACUUM ANALYZE');
  console.log(`VACUUM ANALYZE: ${seconds(started)} s`);
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

async function lineCount(): Promise<number> {
  return Number((await sql.query('SELECT count(*) AS n FROM log_lines')).rows[0].n);
}

function printTimings(title: string, timings: readonly Timing[]): void {
  console.log(`\n${title}:`);
  for (const t of timings)
    console.log(
      `  ${t.label.padEnd(38)} p50 ${t.p50.toFixed(1).padStart(7)} ms  p95 ${t.p95.toFixed(1).padStart(7)} ms  CPU ${t.cpuMs.toFixed(1).padStart(6)} ms/request`,
    );
}

function printRatios(empty: readonly Timing[], loaded: readonly Timing[]): void {
  console.log('\nwith history / without:');
  for (const [i, t] of loaded.entries()) {
    const before = empty[i] as Timing;
    console.log(
      `  ${t.label.padEnd(38)} p50 ${(t.p50 / before.p50).toFixed(2)}×  CPU ${(t.cpuMs / before.cpuMs).toFixed(2)}×`,
    );
  }
}

async function printSizes(): Promise<void> {
  const { rows } = await sql.query<{ name: string; size: string }>(
    `SELECT relname AS name, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class
     WHERE relname IN ('log_lines', 'workflow_runs', 'stage_runs') ORDER BY relname`,
  );
  console.log(`\nsizes (with indexes): ${rows.map((r) => `${r.name} ${r.size}`).join(', ')}`);
}
