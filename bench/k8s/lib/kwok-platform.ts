// The API as the kwok benches run it (k8s/runs.ts and the Cyclone side of the comparison):
// role all with the Kubernetes executor, stage pods steered onto kwok's fake nodes, and a
// fresh tenant with workflow `noop` (one stage, `true`) in project `shop`.
import type pg from 'pg';
import type { KubeClients } from '../../../packages/k8s/dist/index.js';
import { FAKE_NODE_LABELS, FAKE_NODE_TOLERATION } from '../../../scripts/testenv/control-plane.mjs';
import { type BenchPlatform, createBenchWorkflow, seedBenchProject, startBenchPlatform } from '../../lib/platform.js';
import { waitForStageNamespace } from './cluster.js';

export function startKwokBenchPlatform(opts: {
  kubeconfigPath: string;
  runs: number;
  fromSource: boolean;
  /** How long an ended stage pod is kept (CYCLONE_POD_GC_DELAY); BENCH_POD_GC_DELAY, else 1 s. */
  podGcDelay?: string;
}): Promise<BenchPlatform> {
  return startBenchPlatform({
    role: 'all',
    fromSource: opts.fromSource,
    env: {
      CYCLONE_KUBECONFIG: opts.kubeconfigPath,
      CYCLONE_INSTANCE: 'bench',
      CYCLONE_NAMESPACE: 'cyclone-bench-system',
      CYCLONE_MAX_ACTIVE_RUNS: process.env.BENCH_MAX_ACTIVE_RUNS ?? '0',
      CYCLONE_RUN_RETENTION: String(opts.runs + 10),
      CYCLONE_POD_GC_DELAY: process.env.BENCH_POD_GC_DELAY ?? opts.podGcDelay ?? '1s',
      CYCLONE_RESYNC_INTERVAL: '2s',
      CYCLONE_STAGE_POD_DEFAULTS: JSON.stringify({
        nodeSelector: FAKE_NODE_LABELS,
        tolerations: [FAKE_NODE_TOLERATION],
      }),
    },
  });
}

/** Makes a fresh tenant with workflow shop/noop and waits for its namespace; the token, tenant and namespace. */
export async function seedNoopTenant(clients: KubeClients, platform: BenchPlatform) {
  await clients.core.createNamespace({ body: { metadata: { name: 'cyclone-bench-system' } } }).catch(() => undefined);
  const tenant = `bench${Date.now().toString(36)}`;
  const token = await seedBenchProject(platform.apiUrl, { tenant });
  await createBenchWorkflow(platform.apiUrl, token, {
    tenant,
    name: 'noop',
    stages: [{ name: 'true', image: 'alpine', command: ['true'] }],
  });
  const namespace = await waitForStageNamespace(clients, tenant);
  return { token, tenant, namespace };
}

/** Polls the database until `runs` runs SUCCEEDED; fails on the first that did not. */
export async function waitForRunsSucceeded(sql: pg.Client, runs: number, deadline: number): Promise<void> {
  for (;;) {
    const { rows } = await sql.query<{ done: number; failed: number }>(
      `/* bench */ SELECT count(*) FILTER (WHERE phase = 'SUCCEEDED')::int AS done,
         count(*) FILTER (WHERE phase IN ('FAILED', 'CANCELLED'))::int AS failed FROM workflow_runs`,
    );
    const { done, failed } = rows[0] as { done: number; failed: number };
    if (failed > 0) {
      const { rows: why } = await sql.query('SELECT stage, message FROM stage_runs WHERE phase = $1 LIMIT 3', [
        'FAILED',
      ]);
      throw new Error(`${failed} Cyclone runs did not succeed: ${JSON.stringify(why)}`);
    }
    if (done >= runs) return;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${runs} Cyclone runs finished in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
