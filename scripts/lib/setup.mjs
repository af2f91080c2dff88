// Installs what the platform and its tests need, idempotently: quick when done before.
import { existsSync } from 'node:fs';
import { capture, repoRoot, run, step } from './run.mjs';

export const PNPM_VERSION = '10.34.9';

export function ensurePnpm() {
  if (capture('pnpm', ['--version']) === PNPM_VERSION) return;
  step(`installing pnpm ${PNPM_VERSION}`);
  run('npm', ['install', '--global', `pnpm@${PNPM_VERSION}`]);
}

export function installDependencies() {
  step('installing dependencies (pnpm install)');
  run('pnpm', ['install', '--frozen-lockfile', '--reporter=append-only']);
}

export function build() {
  step('building (turbo)');
  run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
}

/** Debian's Chromium for Playwright; never a browser download. */
export function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return;
  step('installing Chromium (apt)');
  if (process.getuid?.() !== 0) {
    throw new Error(
      'Chromium is missing: run "sudo apt-get install -y chromium" (the e2e tests use /usr/bin/chromium)',
    );
  }
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', 'chromium'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** etcd, kube-apiserver, controller-manager, scheduler and kwok, built once per version. */
export function ensureKubernetesTestBinaries() {
  step('Kubernetes test control plane binaries');
  run('bash', [`${repoRoot}/scripts/testenv/build.sh`]);
}

export function setupPlatform() {
  ensurePnpm();
  installDependencies();
  build();
}
