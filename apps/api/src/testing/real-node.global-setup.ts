// vitest globalSetup of the real-node tests (project api-node): a control plane
// without fake nodes and one real node (registry + containerd + kubelet) that pulls the
// locally built images set-up pushed to its registry, all inside the network namespace the project runs in (scripts/testenv/
// netns.mjs; `npm test` runs the project that way).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startControlPlane } from '../../../../scripts/testenv/control-plane.mjs';
import { imagePulls, startRealNode } from '../../../../scripts/testenv/real-node.mjs';
import { pushedTestImages } from '../../../../scripts/testenv/test-images.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfigPath: string;
    /** Name of the real node; its label type=real selects it. */
    realNodeName: string;
    /** The node's address: the kit's API and servers listen there so pods reach them. */
    nodeIp: string;
  }
}

const BUILD_SH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../scripts/testenv/build.sh');

export default async function setup(project: TestProject) {
  if (!process.env.CYCLONE_TESTENV_NODE_IP) {
    throw new Error(
      'the real-node tests run inside their own network namespace: ' +
        'node scripts/testenv/netns.mjs pnpm exec vitest run --project api-node (npm test does)',
    );
  }
  const binDir = execFileSync('bash', [BUILD_SH], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split('\n')
    .pop() as string;
  pushedTestImages(); // throws unless set-up built and pushed them
  const stateDir = mkdtempSync(join(tmpdir(), 'cyclone-real-node-'));
  const controlPlane = await startControlPlane({
    stateDir: join(stateDir, 'control-plane'),
    binDir,
    fakeNodes: false,
    removeStateDirOnAbandon: true,
    // A deployed controller (the Helm install test) reaches the API server from its pod.
    podReachableAddress: process.env.CYCLONE_TESTENV_NODE_IP,
  });
  const node = await startRealNode({ stateDir: join(stateDir, 'node'), controlPlane, binDir }).catch(async (error) => {
    await controlPlane.stop();
    throw error;
  });
  project.provide('kubeconfigPath', controlPlane.kubeconfigPath);
  project.provide('realNodeName', node.nodeName);
  project.provide('nodeIp', node.nodeIp);
  return async () => {
    // What the kubelet pulled from the node's registry, and how long each pull took.
    const pulls = imagePulls(node.stateDir);
    const total = pulls.reduce((sum, pull) => sum + pull.ms, 0);
    process.stderr.write(
      `real node: ${pulls.length} image pulls from its registry, ${(total / 1000).toFixed(1)}s in all\n` +
        pulls.map((pull) => `  ${(pull.ms / 1000).toFixed(1)}s ${pull.image}\n`).join(''),
    );
    await node.stop();
    await controlPlane.stop();
    if (!process.env.CYCLONE_TESTENV_KEEP_STATE) rmSync(stateDir, { recursive: true, force: true });
  };
}
