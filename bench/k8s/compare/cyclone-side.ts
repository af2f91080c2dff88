// The Cyclone side of the comparison: the API process (role all) with the Kubernetes
// executor and the settings of bench/k8s/runs.ts, N one-stage runs submitted at once.
// Ended pods are kept as Cyclone keeps them by default (10 minutes), as Argo keeps them
// by default (no podGC): the bench deletes them once measured, as it deletes Argo's.
// Runs the built API (apps/api/dist: `pnpm build`), or its source with BENCH_FROM_SOURCE=1.
import pg from 'pg';
import type { KubeClients } from '../../../packages/k8s/dist/index.js';
import { cpuSecondsOfTree, postmasterPidOf } from '../../lib/cpu.js';
import { graphql } from '../../lib/platform.js';
import { peakRss } from '../../lib/rss.js';
import { waitForPodsDeleted } from '../lib/cluster.js';
import { seedNoopTenant, startKwokBenchPlatform, waitForRunsSucceeded } from '../lib/kwok-platform.js';
import { auditOffset } from './audit.js';
import { type Measurement, measurementOf } from './measurement.js';
import { watchPodTimes } from './pod-times.js';

/** CYCLONE_POD_GC_DELAY's default (apps/api/src/config/env-schema.ts). */
const DEFAULT_POD_GC_DELAY = '10m';

export async function measureCyclone(opts: {
  clients: KubeClients;
  kubeconfigPath: string;
  auditLog: string;
  runs: number;
  timeoutMs: number;
  /** CPU seconds the control plane's processes used so far. */
  controlPlaneCpuSeconds: () => number;
}): Promise<Measurement> {
  const { clients, runs } = opts;
  const platform = await startKwokBenchPlatform({
    kubeconfigPath: opts.kubeconfigPath,
    runs,
    // The built API as shipped (transpiling from source would weigh on its CPU and memory).
    fromSource: process.env.BENCH_FROM_SOURCE === '1',
    podGcDelay: DEFAULT_POD_GC_DELAY,
  });
  const sql = new pg.Client({ connectionString: platform.databaseUrl });
  let pods: Awaited<ReturnType<typeof watchPodTimes>> | undefined;
  const rss = peakRss(platform.pid);
  try {
    await sql.connect();
    const { token, tenant, namespace } = await seedNoopTenant(clients, platform);
    // A stage pod's run label is the WorkflowRun's name, `<workflow>-<number>`.
    pods = await watchPodTimes(clients, namespace, 'cyclone.dev/run');
    const postmasterPid = await postmasterPidOf(sql);
    const cpuBefore = cpuSecondsOfTree(platform.pid) + cpuSecondsOfTree(postmasterPid);
    const controlPlaneBefore = opts.controlPlaneCpuSeconds();
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
    await waitForRunsSucceeded(sql, runs, submitStart + opts.timeoutMs);
    // When each run finished, as its source of truth (the database) recorded it.
    const { rows: ends } = await sql.query<{ number: number; finished: number }>(
      `SELECT number, (extract(epoch FROM finished_at) * 1000)::float8 AS finished FROM workflow_runs`,
    );
    const finished = new Map(ends.map((r) => [`noop-${r.number}`, Number(r.finished)]));
    const measured = await measurementOf({
      name: 'cyclone',
      runs,
      submitStart,
      submitted,
      finished,
      pods,
      auditLog: opts.auditLog,
      auditFrom,
      cpuSecondsSinceStart: () => cpuSecondsOfTree(platform.pid) + cpuSecondsOfTree(postmasterPid) - cpuBefore,
      controlPlaneCpuSecondsSinceStart: () => opts.controlPlaneCpuSeconds() - controlPlaneBefore,
      peakRssBytes: () => rss.peakBytes(),
    });
    // Kept pods should not weigh on what runs next (a shorter BENCH_POD_GC_DELAY deletes them while measured).
    await clients.core.deleteCollectionNamespacedPod({ namespace, gracePeriodSeconds: 0 });
    await waitForPodsDeleted(clients, namespace);
    return measured;
  } finally {
    rss.stop();
    pods?.stop();
    await sql.end().catch(() => undefined);
    await platform.stop();
  }
}
