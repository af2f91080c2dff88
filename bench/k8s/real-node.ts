// Benchmark: single-stage runs one after the other on a real Kubernetes node (kubelet
// + containerd, scripts/testenv/real-node.mjs), with the real stage-helper image.
// Prints p50/p95 of
//   admitted → workload running: the run's admission (admitted_at) to the first
//     instruction of the stage's command (it prints its own clock);
//   workload exit → run end: the command's last instruction to the run's finished_at;
// and the total per run. Everything is timed on this machine's one clock, in ms.
//
// Run inside a network namespace of its own (the node's pods reach the API there):
//   node scripts/testenv/test-images.mjs      # once, outside the namespace (builds and pushes the images)
//   node scripts/testenv/netns.mjs pnpm --filter @cyclone/bench real-node
//   BENCH_RUNS=30
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { installCrds, loadKubeConfig, makeClients } from '../../packages/k8s/dist/index.js';
import { BASE_IMAGE } from '../../scripts/testenv/base-image.mjs';
import { startControlPlane } from '../../scripts/testenv/control-plane.mjs';
import { REAL_NODE_LABELS, startRealNode } from '../../scripts/testenv/real-node.mjs';
import { pushedTestImages, REGISTRY_STAGE_HELPER_IMAGE } from '../../scripts/testenv/test-images.mjs';
import { graphql, startBenchPlatform } from '../lib/platform.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const ADMIN_PASSWORD = 'bench-admin-password';
const nodeIp = process.env.CYCLONE_TESTENV_NODE_IP;
if (!nodeIp) throw new Error('run this inside scripts/testenv/netns.mjs (see the header)');

const binDir = execFileSync('bash', ['../scripts/testenv/build.sh', '--print-bin-dir'], { encoding: 'utf8' }).trim();
const stateDir = mkdtempSync(join(tmpdir(), 'cyclone-bench-real-node-'));
const controlPlane = await startControlPlane({ stateDir: join(stateDir, 'cp'), binDir, fakeNodes: false });
pushedTestImages(); // the node pulls them from its registry
const node = await startRealNode({
  stateDir: join(stateDir, 'node'),
  controlPlane,
  binDir,
});
const clients = makeClients(loadKubeConfig({ kubeconfigPath: controlPlane.kubeconfigPath }));
await installCrds(clients);
await clients.core.createNamespace({ body: { metadata: { name: 'cyclone-bench-system' } } });
const platform = await startBenchPlatform({
  role: 'all',
  fromSource: process.env.BENCH_FROM_DIST !== '1',
  stageApiHost: nodeIp,
  env: {
    CYCLONE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    CYCLONE_KUBECONFIG: controlPlane.kubeconfigPath,
    CYCLONE_INSTANCE: 'bench',
    CYCLONE_NAMESPACE: 'cyclone-bench-system',
    CYCLONE_STAGE_HELPER_IMAGE: REGISTRY_STAGE_HELPER_IMAGE,
    CYCLONE_POD_GC_DELAY: '1s',
    CYCLONE_STAGE_POD_DEFAULTS: JSON.stringify({ nodeSelector: REAL_NODE_LABELS }),
  },
});
const sql = new pg.Client({ connectionString: platform.databaseUrl });
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
};
try {
  await sql.connect();
  const { login } = await graphql<{ login: { token: string } }>(
    platform.apiUrl,
    'mutation($input: LoginInput!) { login(input: $input) { token } }',
    { input: { email: 'admin@cyclone.local', password: ADMIN_PASSWORD } },
  );
  const token = login.token;
  const tenant = `bench${Date.now().toString(36)}`;
  // The workload image runs as root, as most CI images do: Pod Security BASELINE.
  await graphql(
    platform.apiUrl,
    `mutation { createTenant(input: {name: "${tenant}", quota: {podSecurity: BASELINE}}) { id } }`,
    {},
    token,
  );
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
        name: 'clock',
        // Milliseconds of this machine's clock at the workload's first and last instruction.
        stages: [
          {
            name: 'clock',
            image: BASE_IMAGE,
            command: ['sh', '-c', 'echo "start $(date +%s%3N)"; echo "end $(date +%s%3N)"'],
          },
        ],
      },
    },
    token,
  );
  // The controller's Kubernetes reconciler prepares the tenant namespace and its stage ServiceAccount.
  for (let i = 0; ; i++) {
    const namespace = `cyclone-${tenant}`;
    const ok = await clients.core.readNamespacedServiceAccount({ name: 'cyclone-stage', namespace }).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (i > 600) throw new Error(`namespace ${namespace} was not prepared`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const toRunning: number[] = [];
  const toEnd: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { runWorkflow } = await graphql<{ runWorkflow: { id: string } }>(
      platform.apiUrl,
      `mutation { runWorkflow(input: {tenant: "${tenant}", project: "shop", workflow: "clock"}) { id } }`,
      {},
      token,
    );
    for (let polls = 0; ; polls++) {
      const { rows } = await sql.query<{ phase: string; created: string; finished: string | null }>(
        `SELECT phase, (extract(epoch FROM admitted_at) * 1000)::bigint AS created,
                (extract(epoch FROM finished_at) * 1000)::bigint AS finished FROM workflow_runs WHERE id = $1`,
        [runWorkflow.id],
      );
      const run = rows[0];
      if (run && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.phase)) {
        if (run.phase !== 'SUCCEEDED') {
          const { rows: why } = await sql.query('SELECT message FROM stage_runs WHERE run_id = $1', [runWorkflow.id]);
          throw new Error(`run ${i + 1} ended ${run.phase}: ${JSON.stringify(why)}`);
        }
        const { rows: lines } = await sql.query<{ line: string }>(
          'SELECT text AS line FROM log_lines WHERE run_id = $1 ORDER BY seq',
          [runWorkflow.id],
        );
        const clock = (word: string) => Number(lines.find((l) => l.line.startsWith(`${word} `))?.line.split(' ')[1]);
        const created = Number(run.created);
        const finished = Number(run.finished);
        toRunning.push(clock('start') - created);
        toEnd.push(finished - clock('end'));
        total.push(finished - created);
        break;
      }
      if (polls > 1200) {
        const { rows: stages } = await sql.query('SELECT phase, message FROM stage_runs WHERE run_id = $1', [
          runWorkflow.id,
        ]);
        throw new Error(`run ${i + 1} did not end within 60 s: ${JSON.stringify({ run, stages })}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const row = (name: string, values: number[]) =>
    `${name.padEnd(34)} p50 ${String(percentile(values, 50)).padStart(5)} ms   p95 ${String(percentile(values, 95)).padStart(5)} ms`;
  process.stdout.write(`\n${RUNS} single-stage runs, one after the other, on a real node (${node.nodeName})\n`);
  process.stdout.write(`${row('admitted → workload running', toRunning)}\n`);
  process.stdout.write(`${row('workload exit → run end', toEnd)}\n`);
  process.stdout.write(`${row('runWorkflow → run end', total)}\n`);
  process.stdout.write('(Tekton publishes about 4 s of overhead per TaskRun pod.)\n');
} finally {
  await sql.end().catch(() => undefined);
  await platform.stop();
  await node.stop();
  await controlPlane.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
