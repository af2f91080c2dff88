#!/usr/bin/env node
// Test container engines: a private Docker Engine (Debian's docker.io) with its own
// socket, data and exec roots under one state directory, no bridge, no iptables
// (REAL-CONTAINERS.md), or Podman's Docker-compatible service (Debian's podman, root,
// its own storage, run and tmp folders and configuration there: runc, cgroupfs, file
// events, ulimits within this machine's hard limits), each with the locally built
// Debian base image loaded as `local/debian:bookworm`. Nothing touches the machine's
// own Docker or Podman set-up.
//
// CLI:
//   node scripts/testenv/container-engine.mjs start <stateDir> [podman]   # prints DOCKER_HOST
//   node scripts/testenv/container-engine.mjs stop <stateDir>
//
// Library:
//   const engine = await startContainerEngine({ stateDir });  // { dockerHost, stop() }
//   const podman = await startContainerEngine({ stateDir, kind: 'podman', insecureRegistries: ['127.0.0.1:5000'] });
//
// When started through the library, a detached watchdog stops the engine (and its
// containers) as soon as the starting process is gone, however it died.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_IMAGE, ensureBaseImageTarball } from './base-image.mjs';
import { unmountUnder } from './mounts.mjs';
import { isAlive, sleep } from './tool-process.mjs';

export { BASE_IMAGE };

const START_TIMEOUT_MS = 30_000;

/** GET on the engine's socket; resolves with the status code, rejects when nothing answers. */
function ping(socketPath) {
  return new Promise((res, rej) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2_000 }, (r) => {
      r.resume();
      res(r.statusCode);
    });
    req.on('error', rej);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** Stops the engine of a state directory: SIGTERM, then SIGKILL; safe to call twice. */
export async function stopContainerEngine({ stateDir }) {
  stateDir = resolve(stateDir);
  const pidFile = join(stateDir, 'dockerd.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  if (existsSync(join(stateDir, 'podman.conf'))) {
    // Podman's containers are not the service's children: remove them first.
    try {
      execFileSync('podman', [...podmanFlags(stateDir), 'rm', '--all', '--force', '--time', '0'], {
        stdio: 'ignore',
        env: podmanEnv(stateDir),
        timeout: 30_000,
      });
    } catch {
      // The processes die with the kill below at worst.
    }
  }
  if (pid > 0 && isAlive(pid)) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
  }
  unmountUnder(stateDir);
  rmSync(pidFile, { force: true });
}

/** Podman's global flags: everything under the state directory. */
function podmanFlags(stateDir) {
  return [
    `--root=${join(stateDir, 'storage')}`,
    `--runroot=${join(stateDir, 'run')}`,
    `--tmpdir=${join(stateDir, 'tmp')}`,
    '--storage-driver=overlay',
  ];
}

function podmanEnv(stateDir) {
  return {
    ...process.env,
    CONTAINERS_CONF: join(stateDir, 'podman.conf'),
    CONTAINERS_REGISTRIES_CONF: join(stateDir, 'registries.conf'),
  };
}

/** Writes Podman's configuration (REAL-CONTAINERS.md) and returns its service's command line. */
function podmanService(stateDir, socketPath, insecureRegistries) {
  if (!existsSync('/usr/bin/podman')) {
    throw new Error('podman is not installed: run "apt-get install -y podman catatonit" (npm test does it)');
  }
  writeFileSync(
    join(stateDir, 'podman.conf'),
    [
      '[containers]',
      // Within this machine's hard limits (the defaults are above them).
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
      '[engine]',
      'runtime = "runc"', // crun refuses the hybrid cgroup layout here
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(stateDir, 'registries.conf'),
    [
      'unqualified-search-registries = []',
      ...insecureRegistries.flatMap((location) => ['[[registry]]', `location = "${location}"`, 'insecure = true']),
      '',
    ].join('\n'),
  );
  return ['/usr/bin/podman', [...podmanFlags(stateDir), 'system', 'service', '--time=0', `unix://${socketPath}`]];
}

/**
 * Starts the engine in stateDir and loads the base image. kind: 'docker' (default) or
 * 'podman'; insecureRegistries: plain-HTTP registries Podman may use (Docker allows
 * loopback ones by itself). watchPid: the process whose death stops the engine
 * (default this one; 0: none, as the CLI's `start`).
 */
export async function startContainerEngine({
  stateDir,
  kind = 'docker',
  insecureRegistries = [],
  watchPid = process.pid,
}) {
  stateDir = resolve(stateDir);
  if (process.getuid?.() !== 0) throw new Error(`the test container engine needs root (${kind})`);
  if (kind === 'docker' && !existsSync('/usr/sbin/dockerd')) {
    throw new Error('dockerd is not installed: run "apt-get install -y docker.io" (npm test does it)');
  }
  const tarball = ensureBaseImageTarball();
  mkdirSync(stateDir, { recursive: true });
  const socketPath = join(stateDir, 'docker.sock');
  const log = openSync(join(stateDir, 'dockerd.log'), 'a');
  const [command, args] =
    kind === 'podman'
      ? podmanService(stateDir, socketPath, insecureRegistries)
      : ['/usr/sbin/dockerd', dockerdArgs(stateDir, socketPath)];
  const dockerd = spawn(command, args, {
    // Podman's conmon leaves files (an `oom` marker) in its working directory.
    cwd: stateDir,
    detached: true,
    stdio: ['ignore', log, log],
    env: kind === 'podman' ? podmanEnv(stateDir) : process.env,
  });
  dockerd.unref();
  writeFileSync(join(stateDir, 'dockerd.pid'), String(dockerd.pid));
  if (watchPid) {
    const self = fileURLToPath(import.meta.url);
    const watchdog = spawn(process.execPath, [self, '__watchdog', stateDir, String(watchPid)], {
      detached: true,
      stdio: 'ignore',
    });
    watchdog.unref();
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (!isAlive(dockerd.pid)) throw new Error(`${kind} exited at start; see ${join(stateDir, 'dockerd.log')}`);
    if ((await ping(socketPath).catch(() => 0)) === 200) break;
    if (Date.now() > deadline) throw new Error(`${kind} did not answer within 30 s; see ${stateDir}/dockerd.log`);
    await sleep(100);
  }
  const dockerHost = `unix://${socketPath}`;
  if (kind === 'podman') {
    execFileSync('podman', [...podmanFlags(stateDir), 'import', '-q', '-c', 'CMD ["/bin/bash"]', tarball, BASE_IMAGE], {
      env: podmanEnv(stateDir),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } else {
    execFileSync('/usr/bin/docker', ['import', '-c', 'CMD ["/bin/bash"]', tarball, BASE_IMAGE], {
      env: { ...process.env, DOCKER_HOST: dockerHost },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return { dockerHost, socketPath, stateDir, stop: () => stopContainerEngine({ stateDir }) };
}

function dockerdArgs(stateDir, socketPath) {
  return [
    `--host=unix://${socketPath}`,
    `--data-root=${join(stateDir, 'data')}`,
    `--exec-root=${join(stateDir, 'exec')}`,
    `--pidfile=${join(stateDir, 'docker.pid')}`,
    '--bridge=none',
    '--iptables=false',
    '--ip6tables=false',
    '--ip-masq=false',
    '--ip-forward=false',
    '--storage-driver=overlay2',
    '--shutdown-timeout=2',
  ];
}

async function watch(stateDir, watchPid) {
  while (isAlive(watchPid) && existsSync(join(stateDir, 'dockerd.pid'))) await sleep(500);
  await stopContainerEngine({ stateDir });
}

async function main([command, stateDir, extra]) {
  if (command === '__watchdog') return watch(stateDir, Number(extra));
  if (!stateDir || (command !== 'start' && command !== 'stop')) {
    process.stderr.write('usage: container-engine.mjs start|stop <stateDir> [podman]\n');
    process.exitCode = 2;
    return;
  }
  if (command === 'stop') return stopContainerEngine({ stateDir });
  const engine = await startContainerEngine({ stateDir, kind: extra === 'podman' ? 'podman' : 'docker', watchPid: 0 });
  process.stdout.write(`${engine.dockerHost}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
  });
}
