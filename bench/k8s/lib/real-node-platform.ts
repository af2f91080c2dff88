// What the real-node benches (real-node.ts, golang-example.ts) start: the test control
// plane without fake nodes, one real kubelet node pulling the test images from its
// registry, and the API (role all, Kubernetes executor) that stage pods on that node
// reach at its address. They run inside scripts/testenv/netns.mjs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCrds, loadKubeConfig, makeClients } from '../../../packages/k8s/dist/index.js';
import { startControlPlane } from '../../../scripts/testenv/control-plane.mjs';
import { REAL_NODE_LABELS, startRealNode } from '../../../scripts/testenv/real-node.mjs';
import { pushedTestImages, REGISTRY_STAGE_HELPER_IMAGE } from '../../../scripts/testenv/test-images.mjs';
import { startBenchPlatform } from '../../lib/platform.js';

export const ADMIN_PASSWORD = 'bench-admin-password';

/** The node's address inside the bench's network namespace. */
export function realNodeIp(): string {
  const nodeIp = process.env.CYCLONE_TESTENV_NODE_IP;
  if (!nodeIp) throw new Error('run this inside scripts/testenv/netns.mjs (see the header)');
  return nodeIp;
}

export async function startRealNodePlatform(opts: { name: string; env?: Record<string, string> }) {
  const nodeIp = realNodeIp();
  const binDir = execFileSync('bash', ['../scripts/testenv/build.sh', '--print-bin-dir'], { encoding: 'utf8' }).trim();
  const stateDir = mkdtempSync(join(tmpdir(), `cyclone-bench-${opts.name}-`));
  const controlPlane = await startControlPlane({ stateDir: join(stateDir, 'cp'), binDir, fakeNodes: false });
  pushedTestImages(); // the node pulls them from its registry
  const node = await startRealNode({ stateDir: join(stateDir, 'node'), controlPlane, binDir });
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
      ...opts.env,
    },
  });
  return {
    nodeIp,
    stateDir,
    nodeName: node.nodeName,
    clients,
    platform,
    async stop() {
      await platform.stop();
      await node.stop();
      await controlPlane.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
