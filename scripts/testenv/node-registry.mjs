// The real node's image registry: Debian's `docker-registry` (distribution 2.8) with its
// filesystem storage in the test cache (<cache>/node-registry), so what was pushed once
// stays for every later run and a second push of unchanged images uploads nothing.
//
// Set-up (test-images.mjs, app-images.mjs, outside any test namespace) pushes each built
// `docker save` archive once per content with a real client: a scratch containerd
// imports the archive (no unpacking) and `ctr images push --plain-http` sends every image
// to the registry served on a free loopback port for the push; a marker under the
// storage (pushed/<archive name>) records it, and the registry's garbage collector then
// drops what the new tags replaced. The real-node environment (real-node.mjs) serves the
// same storage read-only at NODE_REGISTRY inside the test network namespace and points
// its containerd there with hosts.toml files (config_path): NODE_REGISTRY itself, and
// docker.io and cyclone.test, the hosts of the test images' own names
// (local/debian:bookworm is docker.io/local/debian). The kubelet pulls the images when
// pods need them; nothing is imported into the node.
//
// A registry path is the image name without its host: cyclone.test/cyclone-api:test is
// NODE_REGISTRY/cyclone-api:test, local/debian:bookworm NODE_REGISTRY/local/debian:bookworm.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { cacheRoot } from './base-image.mjs';
import { freePorts, startToolProcess } from './tool-process.mjs';

const execFileP = promisify(execFile);

/** Where the registry listens inside the test network namespace (its loopback: containerd pulls from there). */
export const NODE_REGISTRY = '127.0.0.1:5000';
/** Registry hosts whose names containerd resolves through NODE_REGISTRY. */
const MIRRORED_HOSTS = ['docker.io', 'cyclone.test'];
const REGISTRY_BINARY = '/usr/bin/docker-registry';
const PUSH_NAMESPACE = 'cyclone-push';

function storageDir() {
  return join(cacheRoot(), 'node-registry');
}

function markerPath(archive) {
  return join(storageDir(), 'pushed', basename(archive));
}

/** The archive name without its content hash: node-test-images-1a2b3c.tar → node-test-images. */
function archivePrefix(archive) {
  return basename(archive).replace(/-[0-9a-f]+\.tar$/, '');
}

/**
 * The registry's configuration: storage in the cache; read-only where the node pulls;
 * the push's registry logs its requests (how many blobs the client uploaded).
 */
export function registryConfig({ addr, readOnly, accessLog = false }) {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    `    disabled: ${!accessLog}`,
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storageDir()}`,
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    '    readonly:',
    `      enabled: ${readOnly}`,
    'http:',
    `  addr: ${addr}`,
    '',
  ].join('\n');
}

/** containerd's hosts.toml files (under its config_path): every mirrored host and NODE_REGISTRY, over plain HTTP. */
export function writeRegistryHosts(certsDir) {
  for (const host of [NODE_REGISTRY, ...MIRRORED_HOSTS]) {
    mkdirSync(join(certsDir, host), { recursive: true });
    writeFileSync(
      join(certsDir, host, 'hosts.toml'),
      `server = "http://${NODE_REGISTRY}"\n\n[host."http://${NODE_REGISTRY}"]\n  capabilities = ["pull", "resolve"]\n`,
    );
  }
}

/** True when the registry at url answers the v2 API. */
export async function registryAnswers(url) {
  try {
    return (await fetch(`${url}/v2/`)).status === 200;
  } catch {
    return false;
  }
}

/** The name's path in the registry: the image name without its registry host. */
function registryPath(name) {
  const first = name.split('/')[0];
  const hasHost = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return hasHost ? name.slice(first.length + 1) : name;
}

/** Count and bytes of the blobs the registry stores. */
function blobStats() {
  const root = join(storageDir(), 'docker/registry/v2/blobs/sha256');
  let count = 0;
  let bytes = 0;
  if (!existsSync(root)) return { count, bytes };
  for (const prefix of readdirSync(root)) {
    for (const digest of readdirSync(join(root, prefix))) {
      const data = join(root, prefix, digest, 'data');
      if (!existsSync(data)) continue;
      count += 1;
      bytes += statSync(data).size;
    }
  }
  return { count, bytes };
}

const seconds = (ms) => `${Math.round(ms / 1000)}s`;
const megabytes = (bytes) => `${Math.round(bytes / 1e6)} MB`;

/** Throws unless set-up pushed this archive (nothing is pushed from inside the test namespace). */
export function requirePushed(archive, command) {
  if (!existsSync(markerPath(archive))) {
    throw new Error(
      `the real node's registry (${storageDir()}) does not hold ${basename(archive)}: run "${command}" (npm test does)`,
    );
  }
}

async function startPushRegistry() {
  const [port] = await freePorts(1);
  const url = `http://127.0.0.1:${port}`;
  const registry = await startToolProcess({
    name: 'node-registry',
    binary: REGISTRY_BINARY,
    args: (dir) => ['serve', join(dir, 'config.yml')],
    prepare: (dir) =>
      writeFileSync(
        join(dir, 'config.yml'),
        registryConfig({ addr: `127.0.0.1:${port}`, readOnly: false, accessLog: true }),
      ),
    ready: () => registryAnswers(url),
  });
  // Each blob the client sends ends with a PUT to its upload session (`…/blobs/uploads/<id>?digest=…`).
  const blobUploads = () =>
    readFileSync(registry.logFile, 'utf8')
      .split('\n')
      .filter((line) => /"PUT \/v2\/\S+\/blobs\/uploads\//.test(line)).length;
  return { host: `127.0.0.1:${port}`, blobUploads, stop: registry.stop };
}

/** A containerd of its own (content store only: no CRI, no unpacking), in a temporary folder. */
async function startScratchContainerd() {
  let socket = '';
  const containerd = await startToolProcess({
    name: 'push-containerd',
    binary: '/usr/bin/containerd',
    args: (dir) => ['--config', join(dir, 'config.toml')],
    prepare: (dir) => {
      socket = join(dir, 'containerd.sock');
      writeFileSync(
        join(dir, 'config.toml'),
        [
          'version = 2',
          `root = "${dir}/root"`,
          `state = "${dir}/state"`,
          'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]',
          '[grpc]',
          `  address = "${socket}"`,
          '[ttrpc]',
          `  address = "${socket}.ttrpc"`,
          '',
        ].join('\n'),
      );
    },
    ready: async () => {
      await execFileP('ctr', ['--address', socket, 'version'], { timeout: 2_000 });
      return true;
    },
  });
  const ctr = async (args, timeout = 600_000) =>
    (
      await execFileP('ctr', ['--address', socket, '-n', PUSH_NAMESPACE, ...args], {
        timeout,
        maxBuffer: 64 * 1024 * 1024,
      })
    ).stdout;
  return { ctr, stop: containerd.stop };
}

/**
 * Pushes every image of a `docker save` archive to the node registry's storage, once per
 * archive (CYCLONE_TESTENV_REPUSH=1 pushes again: the client then finds every blob there).
 * aliases: more registry paths for some of its images ({ 'cyclone/stage-helper:test': 'cyclone-stage-helper:test' }).
 */
export async function pushToNodeRegistry(archive, { aliases = {} } = {}) {
  const marker = markerPath(archive);
  if (existsSync(marker) && !process.env.CYCLONE_TESTENV_REPUSH) {
    process.stderr.write(`node registry: ${basename(archive)} already pushed, nothing to upload\n`);
    return;
  }
  const started = Date.now();
  const before = blobStats();
  const registry = await startPushRegistry();
  let imported = started;
  let pushed = started;
  let names = [];
  let blobUploads = 0;
  try {
    const containerd = await startScratchContainerd();
    try {
      await containerd.ctr(['images', 'import', '--no-unpack', archive]);
      imported = Date.now();
      names = (await containerd.ctr(['images', 'ls', '-q'])).split('\n').filter(Boolean);
      const targets = names.flatMap((name) => {
        const path = registryPath(name);
        const alias = aliases[path];
        return [path, ...(alias ? [alias] : [])].map((target) => [name, target]);
      });
      for (const [name, target] of targets) {
        await containerd.ctr(['images', 'push', '--plain-http', `${registry.host}/${target}`, name]);
      }
      pushed = Date.now();
    } finally {
      await containerd.stop();
    }
    blobUploads = registry.blobUploads();
  } finally {
    await registry.stop();
  }
  const after = blobStats();
  const uploaded = { count: after.count - before.count, bytes: after.bytes - before.bytes };
  let collected = '';
  if (uploaded.count > 0) collected = `, ${await collectGarbage()}`;
  for (const name of existsSync(join(storageDir(), 'pushed')) ? readdirSync(join(storageDir(), 'pushed')) : []) {
    // The collector dropped what those archives' replaced tags held.
    if (archivePrefix(name) === archivePrefix(archive)) rmSync(join(storageDir(), 'pushed', name), { force: true });
  }
  mkdirSync(join(storageDir(), 'pushed'), { recursive: true });
  writeFileSync(marker, `${names.join('\n')}\n`);
  process.stderr.write(
    `node registry: pushed ${names.length} images of ${basename(archive)} in ${seconds(Date.now() - started)} ` +
      `(import ${seconds(imported - started)}, push ${seconds(pushed - imported)}${collected}): ` +
      `${blobUploads} blobs uploaded, ${uploaded.count} new in the storage (${megabytes(uploaded.bytes)})\n`,
  );
}

/** The registry's garbage collector (registry stopped): manifests no tag names any more, and their blobs. */
async function collectGarbage() {
  const started = Date.now();
  const config = join(storageDir(), 'gc.yml');
  writeFileSync(config, registryConfig({ addr: '127.0.0.1:0', readOnly: false }));
  try {
    const { stdout } = await execFileP(REGISTRY_BINARY, ['garbage-collect', '--delete-untagged', config], {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 600_000,
    });
    const deleted = stdout.split('\n').filter((line) => line.startsWith('blob eligible for deletion')).length;
    return `garbage collection ${seconds(Date.now() - started)}: ${deleted} old blobs deleted`;
  } finally {
    rmSync(config, { force: true });
  }
}
