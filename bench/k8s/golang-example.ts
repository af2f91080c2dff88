// Benchmark: the upstream Cyclone golang example on a real Kubernetes node (kubelet +
// containerd, scripts/testenv/real-node.mjs): a Git clone from a loopback Git server,
// `go build` and `go test` in the locally built Go image, then the built-in image-build
// template (buildah, no daemon) builds its image and pushes it to a registry in the
// bench's network namespace. Prints the wall time of each run (runWorkflow → run end,
// timed on this machine's clock) and of each stage, and their medians.
//
// Run inside a network namespace of its own (the node's pods reach the API there):
//   node scripts/testenv/test-images.mjs      # once, outside the namespace (builds and pushes the images)
//   node scripts/testenv/netns.mjs pnpm --filter @cyclone/bench golang-example
//   BENCH_RUNS=3
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startDockerRegistry } from '../../apps/api/src/modules/integration-checks/testing/docker-registry.js';
import { startGitHttpServer } from '../../apps/api/src/modules/scm/testing/git-http-server.js';
import {
  applyYaml,
  createGolangExampleRepository,
  createImageBuildStage,
  createRegistryIntegration,
  golangExampleYaml,
} from '../../apps/api/src/testing/image-build-fixture.js';
import { BUILDAH_IMAGE, GO_IMAGE } from '../../scripts/testenv/test-images.mjs';
import { graphql, seedBenchProject } from '../lib/platform.js';
import { waitForStageNamespace } from './lib/cluster.js';
import { ADMIN_PASSWORD, realNodeIp, startRealNodePlatform } from './lib/real-node-platform.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const STAGES = ['golang-build', 'golang-test', 'golang-image-build'];
const nodeIp = realNodeIp();

const bench = await startRealNodePlatform({
  name: 'golang',
  env: { CYCLONE_OUTBOUND_ALLOW: `127.0.0.1/32,${nodeIp}/32` },
});
const { clients, platform, stateDir } = bench;
const credentials = { username: 'bench', password: 'bench-push-secret' };
const registry = await startDockerRegistry({ htpasswd: credentials }, undefined, nodeIp);
const repo = createGolangExampleRepository();
const git = await startGitHttpServer(repo.root, nodeIp);
const sql = new pg.Client({ connectionString: platform.databaseUrl });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] as number;
try {
  await sql.connect();
  const tenant = `bench${Date.now().toString(36)}`;
  const scope = { tenant, project: 'examples' };
  // The example's images run as root: Pod Security BASELINE, which image builds need.
  const token = await seedBenchProject(platform.apiUrl, {
    tenant,
    project: 'examples',
    adminPassword: ADMIN_PASSWORD,
    podSecurity: 'BASELINE',
  });
  const h = {
    must: (query: string, variables: Record<string, unknown>) => graphql(platform.apiUrl, query, variables, token),
  };
  type Helpers = Parameters<typeof applyYaml>[0];
  await createRegistryIntegration(h as Helpers, tenant, { url: registry.url, ...credentials });
  await createImageBuildStage(h as Helpers, scope, {
    name: 'golang-image-build',
    imageName: `${new URL(registry.url).host}/examples/golang-example:v0.0.1`,
    workingDir: '/workspace/go/src/examples/golang',
    builderImage: BUILDAH_IMAGE,
  });
  await applyYaml(
    h as Helpers,
    scope,
    golangExampleYaml({ gitUrl: `${git.url}/code-zoo.git`, goImage: GO_IMAGE, imageStage: 'golang-image-build' }),
  );
  const namespace = await waitForStageNamespace(clients, tenant);
  const totals: number[] = [];
  const perStage = new Map<string, number[]>(STAGES.map((s) => [s, []]));
  for (let i = 1; i <= RUNS; i++) {
    // The run's workspace: a folder of this machine (the test cluster has no provisioner).
    const volume = join(stateDir, `ci-golang-${i}`);
    mkdirSync(volume);
    chmodSync(volume, 0o777);
    await clients.core.createPersistentVolume({
      body: {
        metadata: { name: `${namespace}-ci-golang-${i}` },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path: volume },
          storageClassName: '',
          claimRef: { namespace, name: `ci-golang-${i}-workspace` },
        },
      },
    });
    const started = Date.now();
    const { runWorkflow } = await graphql<{ runWorkflow: { id: string } }>(
      platform.apiUrl,
      `mutation { runWorkflow(input: {tenant: "${tenant}", project: "examples", workflow: "ci-golang"}) { id } }`,
      {},
      token,
    );
    for (;;) {
      const { rows } = await sql.query<{ phase: string }>('SELECT phase FROM workflow_runs WHERE id = $1', [
        runWorkflow.id,
      ]);
      const phase = rows[0]?.phase ?? '';
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(phase)) {
        const wall = Date.now() - started;
        const { rows: stages } = await sql.query<{ stage: string; phase: string; message: string; ms: string }>(
          `SELECT stage, phase, message, (extract(epoch FROM finished_at - started_at) * 1000)::bigint AS ms
             FROM stage_runs WHERE run_id = $1`,
          [runWorkflow.id],
        );
        if (phase !== 'SUCCEEDED') throw new Error(`run ${i} ended ${phase}: ${JSON.stringify(stages)}`);
        totals.push(wall);
        for (const s of stages) perStage.get(s.stage)?.push(Number(s.ms));
        const detail = STAGES.map((name) => `${name} ${stages.find((s) => s.stage === name)?.ms} ms`).join(', ');
        process.stdout.write(`run ${i}: ${wall} ms (${detail})\n`);
        break;
      }
      if (Date.now() - started > 900_000) throw new Error(`run ${i} did not end within 15 min`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  process.stdout.write(
    `\nthe golang example (clone, go build, go test, buildah build + push) on a real node (${bench.nodeName})\n`,
  );
  process.stdout.write(`runWorkflow → run end, median of ${RUNS}: ${median(totals)} ms\n`);
  for (const [name, values] of perStage) process.stdout.write(`  ${name.padEnd(20)} median ${median(values)} ms\n`);
} finally {
  await sql.end().catch(() => undefined);
  await git.stop();
  await registry.stop();
  rmSync(repo.root, { recursive: true, force: true });
  await bench.stop();
}
