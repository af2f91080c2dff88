// The Cyclone side of the comparison: the API process (role all) with the Kubernetes
// executor and the settings of bench/k8s/runs.ts, N one-stage runs submitted at once.
// Runs the built API (apps/api/dist: `pnpm build`), or its source with BENCH_FROM_SOURCE=1.
import pg from 'pg';
import type { KubeClients } from '../../../packages/k8s/dist/index.js';
import { FAKE_NODE_LABELS, FAKE_NODE_TOLERATION } from '../../../scripts/testenv/control-plane.mjs';
import { cpuSecondsOfTree, parentPid } from '../../lib/cpu.js';
import { graphql, startBenchPlatform } from '../../lib/platform.js';
import { peakRss } from '../../lib/rss.js';
import { auditOffset, clientOf, writesUntilQuiet } from './audit.js';
import { countWrites, type Measurement } from './measurement.js';
import { watchPodTimes } from './pod-times.js';
import { gaps } from './stats.js';

export async function measureCyclone(opts: {
  clients: KubeClients;
  kubeconfigPath: string;
  auditLog: string;
  runs: number;
  timeoutMs: number;
}): Promise<Measurement> {
  const { clients, runs } = opts;
  const platform = await startBenchPlatform({
    role: 'all',
    // The built API as shipped (transpiling from source would weigh on its CPU and memory).
    fromSource: process.env.BENCH_FROM_SOURCE === '1',
    env: {
      CYCLONE_KUBECONFIG: opts.kubeconfigPath,
      CYCLONE_INSTANCE: 'bench',
      CYCLONE_NAMESPACE: 'cyclone-bench-system',
      CYCLONE_MAX_ACTIVE_RUNS: process.env.BENCH_MAX_ACTIVE_RUNS ?? '0',
      CYCLONE_RUN_RETENTION: String(runs + 10),
      CYCLONE_POD_GC_DELAY: process.env.BENCH_POD_GC_DELAY ?? '1s',
      CYCLONE_RESYNC_INTERVAL: '2s',
      CYCLONE_STAGE_POD_DEFAULTS: JSON.stringify({
        nodeSelector: FAKE_NODE_LABELS,
        tolerations: [FAKE_NODE_TOLERATION],
      }),
    },
  });
  const sql = new pg.Client({ connectionString: platform.databaseUrl });
  let pods: Awaited<ReturnType<typeof watchPodTimes>> | undefined;
  const rss = peakRss(platform.pid);
  try {
    await clients.core.createNamespace({ body: { metadata: { name: 'cyclone-bench-system' } } }).catch(() => undefined);
    await sql.connect();
    const { login } = await graphql<{ login: { token: string } }>(
      platform.apiUrl,
      'mutation($input: LoginInput!) { login(input: $input) { token } }',
      { input: { email: 'admin@cyclone.local', password: 'cyclone-admin' } },
    );
    const token = login.token;
    const tenant = `bench${Date.now().toString(36)}`;
    await graphql(platform.apiUrl, `mutation { createTenant(input: {name: "${tenant}"}) { id } }`, {}, token);
    await graphql(
      platform.apiUrl,
      `mutation { createProject(input: {tenant: "${tenant}", name: "shop"}) { id } }`,
      {},
      token,
    );
    await graphql(
      platform.apiUrl,
      'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { id } }',
      {
        input: {
          tenant,
          project: 'shop',
          name: 'noop',
          stages: [{ name: 'true', image: 'alpine', command: ['true'] }],
        },
      },
      token,
    );
    const namespace = `cyclone-${tenant}`;
    for (let i = 0; ; i++) {
      const ok = await clients.core.readNamespacedServiceAccount({ name: 'cyclone-stage', namespace }).then(
        () => true,
        () => false,
      );
      if (ok) break;
      if (i > 600) throw new Error(`namespace ${namespace} was not prepared`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // A stage pod's run label is the WorkflowRun's name, `<workflow>-<number>`.
    pods = await watchPodTimes(clients, namespace, 'cyclone.dev/run');
    const backend = await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const postmasterPid = parentPid(Number(backend.rows[0]?.pid));
    const cpuBefore = cpuSecondsOfTree(platform.pid) + cpuSecondsOfTree(postmasterPid);
    const auditFrom = auditOffset(opts.auditLog);

    const submitted = new Map<string, number>();
    const submitStart = Date.now();
    // A submission the API answers with an error (on a machine too busy for its database
    // pool to start a transaction in time) is sent again after a jittered pause, as a
    // client would, and counted; the time it costs stays in the figures.
    let retried = 0;
    const submit = async (attempt: number): Promise<void> => {
      try {
        const { runWorkflow } = await graphql<{ runWorkflow: { number: number } }>(
          platform.apiUrl,
          `mutation { runWorkflow(input: {tenant: "${tenant}", project: "shop", workflow: "noop"}) { number } }`,
          {},
          token,
        );
        submitted.set(`noop-${runWorkflow.number}`, Date.now());
      } catch (err) {
        if (Date.now() - submitStart > opts.timeoutMs) throw err;
        retried++;
        await new Promise((r) => setTimeout(r, Math.random() * 500 * Math.min(attempt, 10)));
        await submit(attempt + 1);
      }
    };
    await Promise.all(Array.from({ length: runs }, () => submit(1)));
    if (retried > 0) process.stderr.write(`cyclone: ${retried} submissions answered with an error were sent again\n`);
    for (;;) {
      const { rows } = await sql.query<{ done: number; failed: number }>(
        `SELECT count(*) FILTER (WHERE phase = 'SUCCEEDED')::int AS done,
           count(*) FILTER (WHERE phase IN ('FAILED', 'CANCELLED'))::int AS failed FROM workflow_runs`,
      );
      const { done, failed } = rows[0] as { done: number; failed: number };
      if (failed > 0) throw new Error(`${failed} Cyclone runs did not succeed`);
      if (done === runs) break;
      if (Date.now() - submitStart > opts.timeoutMs)
        throw new Error(`only ${done} of ${runs} Cyclone runs finished in time`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // When each run finished, as its source of truth (the database) recorded it.
    const { rows: ends } = await sql.query<{ number: number; finished: number }>(
      `SELECT number, (extract(epoch FROM finished_at) * 1000)::float8 AS finished FROM workflow_runs`,
    );
    const finished = new Map(ends.map((r) => [`noop-${r.number}`, Number(r.finished)]));
    const lastFinished = Math.max(...finished.values());
    // Its pods are deleted a GC delay after they end: those writes are the run's too.
    for (let i = 0; ; i++) {
      const left = (await clients.core.listNamespacedPod({ namespace })).items.length;
      if (left === 0) break;
      if (i > 1200) throw new Error(`${left} Cyclone pods were never deleted`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const writes = await writesUntilQuiet(opts.auditLog, auditFrom, clientOf, 'controller');
    const cpuSeconds = cpuSecondsOfTree(platform.pid) + cpuSecondsOfTree(postmasterPid) - cpuBefore;
    return {
      name: 'cyclone',
      runs,
      wallMs: lastFinished - submitStart,
      ...countWrites(writes),
      cpuSeconds,
      submitToPod: gaps(submitted, pods.created),
      exitToFinished: gaps(pods.exited, finished),
      peakRssBytes: rss.peakBytes(),
    };
  } finally {
    rss.stop();
    pods?.stop();
    await sql.end().catch(() => undefined);
    await platform.stop();
  }
}
