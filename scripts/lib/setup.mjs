// Installs what the platform and its tests need, idempotently: quick when done before.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { baseEnv, capture, repoRoot, run, step } from './run.mjs';

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

/**
 * Debian packages the tests drive for real: Chromium for Playwright (never a browser
 * download), Subversion (svn, svnserve), the distribution registry (the integration
 * tests' and the real test node's, which set-up pushes that node's images to) and htpasswd,
 * bubblewrap (the sandbox of the host executor's stages), the Docker Engine the
 * container executor's tests start privately, mmdebstrap, which makes their
 * Debian base image without any registry, and the CNI plugins of the real test node.
 */
const TEST_PACKAGES = [
  { path: '/usr/bin/chromium', name: 'chromium' },
  { path: '/usr/bin/bwrap', name: 'bubblewrap' },
  { path: '/usr/bin/svnserve', name: 'subversion' },
  { path: '/usr/bin/docker-registry', name: 'docker-registry' },
  { path: '/usr/bin/htpasswd', name: 'apache2-utils' },
  { path: '/usr/sbin/dockerd', name: 'docker.io' },
  { path: '/usr/bin/mmdebstrap', name: 'mmdebstrap' },
  // The container executor's tests also run on Podman's Docker-compatible socket; its --init is catatonit.
  { path: '/usr/bin/podman', name: 'podman' },
  { path: '/usr/libexec/podman/catatonit', name: 'catatonit' },
  // The real test node: containerd (and ctr, which pushes its images) come with docker.io; pods get their network from CNI.
  { path: '/usr/lib/cni/bridge', name: 'containernetworking-plugins' },
];

export function ensureTestPackages() {
  const missing = TEST_PACKAGES.filter((pkg) => !existsSync(pkg.path)).map((pkg) => pkg.name);
  if (missing.length === 0) return;
  step(`installing ${missing.join(', ')} (apt)`);
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing test packages: run "sudo apt-get install -y ${missing.join(' ')}"`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', ...missing], { env });
}

/** The Debian base image tarball of the container tests, built once per machine (about 40 s). */
export async function ensureBaseImage() {
  step('Debian base image for the container tests');
  const { ensureBaseImageTarball } = await import('../testenv/base-image.mjs');
  process.stdout.write(`  ${ensureBaseImageTarball()}\n`);
}

/**
 * The real-node tests' images (stage helper, Node base, pause), and Cyclone's own
 * (api, web, stage-helper from their Dockerfiles, for the Helm install test), built once
 * per content and pushed once to the real node's registry (each push prints its time).
 */
export async function ensureTestImages() {
  step('images of the real-node tests');
  const { ensureTestImages: build } = await import('../testenv/test-images.mjs');
  process.stdout.write(`  ${await build()}\n`);
  step("Cyclone's images for the Helm install test");
  const { ensureAppImages } = await import('../testenv/app-images.mjs');
  process.stdout.write(`  ${await ensureAppImages()}\n`);
}

const GO_TOOLS = ['helm', 'versitygw', 'hydra', 'jaeger', 'coredns'];

/**
 * Builds the Go commands of the tests in the background, once per version: etcd,
 * kube-apiserver, controller-manager, scheduler, kubelet, kube-proxy and kwok (build.sh),
 * and beside them helm (the chart's tests), versitygw (the object store's), hydra (single
 * sign-on's), jaeger (tracing's) and coredns (the real node's cluster DNS), modules of
 * their own, one after the other in one shell. Two child processes, each going on by
 * itself: nothing waits for this process, whose synchronous set-up steps would hold a
 * chain of its own. On a new machine they are most of set-up's CPU (about 35 of its 50
 * CPU-minutes), and the rest of set-up (packages, base image, image builds) has stretches
 * on one core or on the network, so they share the cores instead of taking turns; the
 * builds run niced so that the rest, which the test images wait on, goes first. Their
 * output goes to `log`. `controlPlane` settles when build.sh has (the test images need its
 * pause binary), `all` when every command is built; `stop()` ends them.
 */
export function startGoBuilds(log) {
  mkdirSync(dirname(log), { recursive: true });
  const output = openSync(log, 'w');
  const children = [];
  const build = (what, script) =>
    new Promise((resolve, reject) => {
      // Its own process group, so that stop() ends go and its compilers too.
      const child = spawn('nice', ['-n', '10', 'bash', '-c', script], {
        cwd: repoRoot,
        env: baseEnv,
        stdio: ['ignore', output, output],
        detached: true,
      });
      children.push(child);
      child.on('error', reject);
      child.on('exit', (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`${what} exited with ${code ?? signal} (output: ${log})`)),
      );
    });
  const testenv = `${repoRoot}/scripts/testenv`;
  const controlPlane = build('build.sh', `exec bash ${testenv}/build.sh`);
  const tools = build(
    `build-go-tool.sh (${GO_TOOLS.join(', ')})`,
    `set -e; for tool in ${GO_TOOLS.join(' ')}; do bash ${testenv}/build-go-tool.sh "$tool"; done`,
  );
  const all = Promise.all([controlPlane, tools]).finally(() => closeSync(output));
  // Awaited later, after set-up's other steps; a failure must not end the process before that.
  for (const promise of [controlPlane, tools, all]) promise.catch(() => {});
  const stop = () => {
    for (const child of children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
    }
  };
  process.once('exit', stop);
  return { controlPlane, all, stop };
}

export function setupPlatform() {
  ensurePnpm();
  installDependencies();
  build();
}
