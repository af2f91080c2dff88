// A second, separate test control plane for multi-cluster tests: the "worker
// cluster" an ExecutionCluster points at. Same binaries as the first (see
// packages/k8s/src/testing/control-plane.global-setup.ts, which runs before
// this one and builds them); its kubeconfig is `inject('workerKubeconfigPath')`.
// CYCLONE_TESTENV_WORKER_KUBECONFIG=<path> uses an already running one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startControlPlane } from '../../../../scripts/testenv/control-plane.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The control cluster (packages/k8s/src/testing/control-plane.global-setup.ts). */
    kubeconfigPath: string;
    workerKubeconfigPath: string;
  }
}

const BUILD_SH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../scripts/testenv/build.sh');

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.CYCLONE_TESTENV_WORKER_KUBECONFIG;
  if (external) {
    project.provide('workerKubeconfigPath', resolve(external));
    return undefined;
  }
  // Cached after the first control plane's setup: prints the bin directory at once.
  const binDir = execFileSync('bash', [BUILD_SH], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split('\n')
    .pop() as string;
  const stateDir = mkdtempSync(join(tmpdir(), 'cyclone-k8s-worker-'));
  const cp = await startControlPlane({ stateDir, binDir, removeStateDirOnAbandon: true });
  project.provide('workerKubeconfigPath', cp.kubeconfigPath);
  return async () => {
    await cp.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
}
