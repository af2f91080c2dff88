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
import pg from 'pg';
import { BASE_IMAGE } from '../../scripts/testenv/base-image.mjs';
import { createBenchWorkflow, graphql, seedBenchProject } from '../lib/platform.js';
import { percentile } from '../lib/stats.js';
import { waitForStageNamespace } from './lib/cluster.js';
import { ADMIN_PASSWORD, startRealNodePlatform } from './lib/real-node-platform.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);

const bench = await startRealNodePlatform({ name: 'real-node' });
const { platform } = bench;
const sql = new pg.Client({ connectionString: platform.databaseUrl });
try {
  await sql.connect();
  const tenant = `bench${Date.now().toString(36)}`;
  // The workload image runs as root, as most CI images do: Pod Security BASELINE.
  const token = await seedBenchProject(platform.apiUrl, {
    tenant,
    adminPassword: ADMIN_PASSWORD,
    podSecurity: 'BASELINE',
  });
  await createBenchWorkflow(platform.apiUrl, token, {
    tenant,
    name: 'clock',
    // Milliseconds of this machine's clock at the workload's first and last instruction.
    stages: [
      {
        name: 'clock',
        image: BASE_IMAGE,
        command: ['sh', '-c', 'echo "start $(date +%s%3N)"; echo "end $(date +%s%3N)"'],
      },
    ],
  });
  await waitForStageNamespace(bench.clients, tenant);
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
  process.stdout.write(`\n${RUNS} single-stage runs, one after the other, on a real node (${bench.nodeName})\n`);
  process.stdout.write(`${row('admitted → workload running', toRunning)}\n`);
  process.stdout.write(`${row('workload exit → run end', toEnd)}\n`);
  process.stdout.write(`${row('runWorkflow → run end', total)}\n`);
  process.stdout.write('(Tekton publishes about 4 s of overhead per TaskRun pod.)\n');
} finally {
  await sql.end().catch(() => undefined);
  await bench.stop();
}
