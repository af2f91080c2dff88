// vitest globalSetup for the Kubernetes integration tests: builds (or finds in
// its cache) the control-plane binaries, starts etcd + kube-apiserver +
// kube-controller-manager + kube-scheduler + kwok on loopback in a temporary
// directory, provides the admin kubeconfig path to the tests
// (`inject('kubeconfigPath')`) and stops everything afterwards.
//
// Environment:
//   CYCLONE_TESTENV_KUBECONFIG=<path>  use an already running cluster (e.g. one
//                                      from `node scripts/testenv/control-plane.mjs
//                                      start <dir>`): no build, no start, no stop.
//   CYCLONE_TESTENV_KEEP_STATE=1       keep the state directory (logs, etcd data).
//   CYCLONE_TESTENV_CACHE              binary cache root (see scripts/testenv/build.sh).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startControlPlane } from '../../../../scripts/testenv/control-plane.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin kubeconfig of the test control plane. */
    kubeconfigPath: string;
  }
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const BUILD_SH = join(REPO_ROOT, 'scripts/testenv/build.sh');

/** Runs build.sh (progress on stderr) and returns the bin directory it prints. */
function buildBinaries(): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn('bash', [BUILD_SH], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => (out += c));
    child.on('error', (e) => rej(new Error(`cannot run ${BUILD_SH}: ${e.message}`)));
    child.on('exit', (code, signal) => {
      const binDir = out.trim().split('\n').pop() ?? '';
      if (code === 0 && binDir) res(binDir);
      else
        rej(
          new Error(
            `${BUILD_SH} failed (${signal ?? `exit code ${code}`}); the Kubernetes integration ` +
              'tests need its binaries. See the build output above.',
          ),
        );
    });
  });
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.CYCLONE_TESTENV_KUBECONFIG;
  if (external) {
    project.provide('kubeconfigPath', resolve(external));
    return undefined;
  }

  const binDir = await buildBinaries();
  const stateDir = mkdtempSync(join(tmpdir(), 'cyclone-k8s-'));
  const keep = !!process.env.CYCLONE_TESTENV_KEEP_STATE;
  // If start-up fails, the state directory (with the component logs) is kept.
  // If the run is interrupted (Ctrl-C), the watchdog kills the components and
  // removes it.
  const cp = await startControlPlane({ stateDir, binDir, removeStateDirOnAbandon: !keep });
  project.provide('kubeconfigPath', cp.kubeconfigPath);

  return async () => {
    await cp.stop();
    if (keep) {
      process.stderr.write(`testenv: state kept in ${stateDir}\n`);
    } else {
      rmSync(stateDir, { recursive: true, force: true });
    }
  };
}
