// Benchmark: N single-stage runs submitted (100 in flight) to one API process (role all:
// GraphQL + controller) with the Kubernetes executor, on a test control plane with
// kwok nodes (pods end after kwok's default 1s "run"). Prints the time until every
// stage pod exists and until every run SUCCEEDED, runs per minute, and API-server
// writes per run, read from kube-apiserver's apiserver_request_total before and
// after (Cyclone's own: pods, workflowruns, claims, secrets; and every client's).
//
// Run: pnpm --filter @cyclone/bench k8s
//   BENCH_RUNS=500  BENCH_MAX_ACTIVE_RUNS=0 (no limit)  BENCH_POD_GC_DELAY=1s  BENCH_SUBMIT_CONCURRENCY=100
//   BENCH_KUBECONFIG=<path> to use a running control plane (else one is started).
// `k8s -- --sizes 250,1000,4000` runs it once per size and prints a table (k8s/main.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { installCrds, loadKubeConfig, makeClients, type V1Pod } from '../../packages/k8s/dist/index.js';
import { startControlPlane } from '../../scripts/testenv/control-plane.mjs';
import { cpuSecondsOfTree, postmasterPidOf } from '../lib/cpu.js';
import {
  busiestStatements,
  countersSince,
  printStatementCosts,
  readDbCounters,
  startDbCounters,
} from '../lib/db-counters.js';
import { graphql } from '../lib/platform.js';
import { inPool, resender, SUBMIT_CONCURRENCY } from '../lib/pool.js';
import { sizeResultLine } from '../lib/sizes.js';
import { percentile } from '../lib/stats.js';
import { waitForPodsDeleted } from './lib/cluster.js';
import { seedNoopTenant, startKwokBenchPlatform, waitForRunsSucceeded } from './lib/kwok-platform.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 500);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 900_000);

let stopControlPlane: (() => Promise<void>) | undefined;
let kubeconfigPath = process.env.BENCH_KUBECONFIG;
let stateDir: string | undefined;
if (!kubeconfigPath) {
  stateDir = mkdtempSync(join(tmpdir(), 'cyclone-bench-k8s-'));
  const cp = await startControlPlane({ stateDir });
  kubeconfigPath = cp.kubeconfigPath;
  stopControlPlane = () => cp.stop();
}
const clients = makeClients(loadKubeConfig({ kubeconfigPath }));
await installCrds(clients);

/** Writes (POST, PUT, PATCH, DELETE) by resource, from kube-apiserver's own counter. */
async function apiserverWrites(): Promise<Map<string, number>> {
  const cluster = clients.kc.getCurrentCluster();
  const https = await import('node:https');
  const requestOptions: import('node:https').RequestOptions = {};
  await clients.kc.applyToHTTPSOptions(requestOptions);
  const text = await new Promise<string>((resolve, reject) => {
    const req = https.get(`${cluster?.server}/metrics`, requestOptions, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]),
    );
    if (!['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY', 'CREATE', 'UPDATE'].includes(labels.verb ?? '')) continue;
    if (labels.dry_run) continue;
    // kwok's fake kubelet answers a pod deletion with a DELETE of its own, which finds
    // the pod gone (404): the test environment's, not Cyclone's.
    const kwok = labels.verb === 'DELETE' && labels.code === '404' ? ' (404)' : '';
    const key = `${labels.verb} ${labels.resource}${labels.subresource ? `/${labels.subresource}` : ''}${kwok}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return counts;
}

/** What Cyclone writes for runs (the scheduler's bindings, kwok's status updates and events are not Cyclone's). */
const isCycloneWrite = (key: string) =>
  /^(POST|CREATE) (pods|workflowruns|persistentvolumeclaims|secrets)$/.test(key) ||
  /^PATCH workflowruns\/status$/.test(key) ||
  /^DELETE pods$/.test(key);

const platform = await startKwokBenchPlatform({
  kubeconfigPath,
  runs: RUNS,
  fromSource: process.env.BENCH_FROM_DIST !== '1',
});
const sql = new pg.Client({ connectionString: platform.databaseUrl });
const watchAbort = new AbortController();
try {
  await sql.connect();
  const { token, tenant, namespace } = await seedNoopTenant(clients, platform);

  // Every stage pod that ever exists (they are deleted a GC delay after they end).
  const podsSeen = new Set<string>();
  let allPodsAt = 0;
  const started = Date.now();
  await clients.watch
    .watch(
      `/api/v1/namespaces/${namespace}/pods`,
      {},
      (type: string, pod: V1Pod) => {
        if (type !== 'ADDED' || !pod.metadata?.name) return;
        podsSeen.add(pod.metadata.name);
        if (podsSeen.size === RUNS && allPodsAt === 0) allPodsAt = Date.now();
      },
      () => undefined,
    )
    .then((c: AbortController) => watchAbort.signal.addEventListener('abort', () => c.abort()));
  const before = await apiserverWrites();
  // CPU of the API process and of Postgres over the whole window: less sensitive to other load than times.
  const postmasterPid = await postmasterPidOf(sql);
  const countersBefore = await startDbCounters(sql);
  const cpuBefore = { api: cpuSecondsOfTree(platform.pid), db: cpuSecondsOfTree(postmasterPid) };

  const resend = resender<{ runWorkflow: { id: string } }>(RUNS);
  const submitStart = Date.now();
  const submittedAt = new Map<string, number>();
  await inPool(RUNS, SUBMIT_CONCURRENCY, async () => {
    const at = Date.now();
    const data = await resend.send(() =>
      graphql<{ runWorkflow: { id: string } }>(
        platform.apiUrl,
        `mutation { runWorkflow(input: {tenant: "${tenant}", project: "shop", workflow: "noop"}) { id } }`,
        {},
        token,
      ),
    );
    submittedAt.set(data.runWorkflow.id, at);
  });
  const submittedMs = Date.now() - submitStart;
  await waitForRunsSucceeded(sql, RUNS, started + TIMEOUT_MS);
  const succeededMs = Date.now() - submitStart;
  await waitForPodsDeleted(clients, namespace);
  const after = await apiserverWrites();
  const cpu = {
    api: cpuSecondsOfTree(platform.pid) - cpuBefore.api,
    db: cpuSecondsOfTree(postmasterPid) - cpuBefore.db,
  };
  // Backends report their row counts within PGSTAT_IDLE_INTERVAL (10 s) of going idle.
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  const counters = countersSince(countersBefore, await readDbCounters(sql));
  process.stderr.write('SQL statements per run, the busiest (execution time in Postgres):\n');
  printStatementCosts(await busiestStatements(sql, 25), RUNS, 'run');
  const delta = new Map<string, number>();
  for (const [key, value] of after) {
    const d = value - (before.get(key) ?? 0);
    if (d > 0) delta.set(key, d);
  }
  const cyclone = [...delta].filter(([key]) => isCycloneWrite(key));
  const cycloneTotal = cyclone.reduce((sum, [, n]) => sum + n, 0);
  const allTotal = [...delta.values()].reduce((sum, n) => sum + n, 0);
  // Where the time goes, per run (ms): queued until admitted, admitted until its pod
  // was created (stage RUNNING), pod running until its exit was recorded, then until the run ended.
  const { rows: phases } = await sql.query<{ step: string; p50: number; p95: number; max: number }>(`
    /* bench */ WITH t AS (
      SELECT extract(epoch FROM r.admitted_at - r.created_at) * 1000 AS queued,
             extract(epoch FROM s.started_at - r.admitted_at) * 1000 AS to_pod,
             extract(epoch FROM s.finished_at - s.started_at) * 1000 AS pod,
             extract(epoch FROM r.finished_at - s.finished_at) * 1000 AS to_end
      FROM workflow_runs r JOIN stage_runs s ON s.run_id = r.id)
    SELECT step, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY v))::int AS p50,
           round(percentile_cont(0.95) WITHIN GROUP (ORDER BY v))::int AS p95, round(max(v))::int AS max
    FROM t, LATERAL (VALUES ('queued', queued), ('admittedToPod', to_pod), ('podToExit', pod), ('exitToRunEnd', to_end)) v(step, v)
    GROUP BY step`);
  const { rows: starts } = await sql.query<{ run_id: string; started_at: Date }>(
    `/* bench */ SELECT run_id, started_at FROM stage_runs`,
  );
  const submitToStart = starts.map((row) => row.started_at.getTime() - (submittedAt.get(row.run_id) ?? Number.NaN));
  const result = {
    runs: RUNS,
    resentRequests: resend.resent(),
    sqlPerRun: +(counters.statements / RUNS).toFixed(1),
    dbRowsWrittenPerRun: +(counters.rowsWritten / RUNS).toFixed(1),
    submitToStageStartP95Ms: percentile(submitToStart, 95),
    submittedMs,
    allPodsExistMs: allPodsAt ? allPodsAt - submitStart : null,
    allSucceededMs: succeededMs,
    runsPerMinute: Math.round((RUNS / succeededMs) * 60_000),
    cpuSeconds: { api: +cpu.api.toFixed(1), postgres: +cpu.db.toFixed(1) },
    cpuMsPerRun: +(((cpu.api + cpu.db) * 1000) / RUNS).toFixed(1),
    cycloneWritesPerRun: +(cycloneTotal / RUNS).toFixed(2),
    cycloneWrites: Object.fromEntries(cyclone),
    latencyMs: Object.fromEntries(phases.map((p) => [p.step, { p50: p.p50, p95: p.p95, max: p.max }])),
    allClientsWritesPerRun: +(allTotal / RUNS).toFixed(2),
    allClientsWrites: Object.fromEntries([...delta].sort((a, b) => b[1] - a[1]).slice(0, 12)),
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    sizeResultLine({
      runs: RUNS,
      cpuMsPerRun: ((cpu.api + cpu.db) * 1000) / RUNS,
      sqlPerRun: counters.statements / RUNS,
      dbRowsWrittenPerRun: counters.rowsWritten / RUNS,
      apiServerWritesPerRun: cycloneTotal / RUNS,
      submitToStartP95Ms: percentile(submitToStart, 95),
      endToFinishedP95Ms: phases.find((p) => p.step === 'exitToRunEnd')?.p95 ?? Number.NaN,
      wallSeconds: succeededMs / 1000,
    }),
  );
} finally {
  watchAbort.abort();
  await sql.end().catch(() => undefined);
  await platform.stop();
  await stopControlPlane?.();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}
