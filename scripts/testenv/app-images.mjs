#!/usr/bin/env node
// Cyclone's own images for the deploy test (apps/api/src/controller/executors/kubernetes/
// helm-install.real.test.ts), built from their production Dockerfiles on the local Node
// base of test-images.mjs, cached as one `docker save` archive under <cache>/images/ and
// pushed once to the real node's registry (node-registry.mjs):
//
//   cyclone.test/cyclone-api:test            apps/api/Dockerfile (NODE_IMAGE=local/node:24-bookworm)
//   cyclone.test/cyclone-web:test            apps/web/Dockerfile (same base)
//   cyclone.test/cyclone-stage-helper:test   test-images.mjs' stage helper under the chart's name
//
// In the registry they are cyclone-api:test, cyclone-web:test and cyclone-stage-helper:test.
// The chart names its three images <image.repository>/cyclone-{api,web,stage-helper}:<image.tag>,
// so the test installs with image.repository=NODE_REGISTRY (127.0.0.1:5000) and
// image.tag=test, and the kubelet pulls them from there as it would from any registry.
//
// The archive's name carries a hash of the build's inputs (the workspace's sources,
// lockfile, Dockerfiles and the test-images archive holding the base), so only a change
// to them rebuilds it. `pnpm fetch` inside the builds reaches the machine's npm
// registry, apt the Debian mirrors (--network=host, outside any test namespace).
//
// CLI: node scripts/testenv/app-images.mjs   # builds and pushes if needed (after test-images.mjs), prints the archive path
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from './base-image.mjs';
import { startContainerEngine, stopContainerEngine } from './container-engine.mjs';
import { archivePath, ensureArchive, requireArchive } from './image-archive.mjs';
import { pushToNodeRegistry, requirePushed } from './node-registry.mjs';
import { builtTestImages, ensureTestImages, filesUnder, NODE_IMAGE, STAGE_HELPER_IMAGE } from './test-images.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

export const APP_IMAGE_REPOSITORY = 'cyclone.test';
export const APP_IMAGE_TAG = 'test';
const image = (name) => `${APP_IMAGE_REPOSITORY}/${name}:${APP_IMAGE_TAG}`;
export const API_IMAGE = image('cyclone-api');
export const WEB_IMAGE = image('cyclone-web');
export const HELPER_IMAGE = image('cyclone-stage-helper');
const APP_IMAGES = [API_IMAGE, WEB_IMAGE, HELPER_IMAGE];

// What `COPY . .` brings into the builds that can change their output.
const INPUTS = [
  'package.json',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  '.npmrc',
  '.dockerignore',
  'tsconfig.base.json',
  'turbo.json',
  'prisma',
  'apps/api',
  'apps/web',
  'packages',
];

/**
 * The input files as the checkout has them: git's tracked and untracked files, without
 * what it ignores. What builds and type checks leave in the tree (generated clients,
 * *.tsbuildinfo) would otherwise change the hash between the set-up that builds the
 * archive and the test that looks for it. Outside a git checkout: every file.
 */
function inputFiles() {
  try {
    const listed = execFileSync(
      'git',
      ['-C', ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...INPUTS],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return [...new Set(listed.split('\0').filter(Boolean))]
      .filter((file) => !file.endsWith('.test.ts'))
      .sort()
      .map((file) => join(ROOT, file))
      .filter((file) => existsSync(file));
  } catch {
    return filesUnder(INPUTS);
  }
}

function archiveKey(testImages) {
  const hash = createHash('sha256');
  hash.update(`${basename(testImages)}\n${readFileSync(fileURLToPath(import.meta.url))}`);
  for (const file of inputFiles()) {
    hash.update(`${relative(ROOT, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 12);
}

const ARCHIVE_PREFIX = 'cyclone-app-images';
const COMMAND = 'node scripts/testenv/app-images.mjs';
const WHAT = "Cyclone's test images";

/**
 * One `docker build` with its steps' times on stderr: where a cold build spends them.
 * The classic builder, as test-images.mjs' (BuildKit would fetch the `# syntax=` frontend).
 */
function timedBuild(dockerHost, { tag, dockerfile, target }) {
  const started = Date.now();
  return new Promise((res, rej) => {
    const child = spawn(
      '/usr/bin/docker',
      [
        'build',
        '--network=host',
        '-t',
        tag,
        ...(target ? ['--target', target] : []),
        '-f',
        join(ROOT, dockerfile),
        '--build-arg',
        `NODE_IMAGE=${NODE_IMAGE}`,
        ROOT,
      ],
      { env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let step = '';
    let stepStarted = started;
    let tail = [];
    const endStep = () => {
      if (step) process.stderr.write(`app-images: ${Math.round((Date.now() - stepStarted) / 1000)}s ${step}\n`);
    };
    createInterface({ input: child.stdout }).on('line', (line) => {
      tail = [...tail.slice(-40), line];
      if (!line.startsWith('Step ')) return;
      endStep();
      step = line.slice(0, 120);
      stepStarted = Date.now();
    });
    child.on('error', rej);
    child.on('close', (code) => {
      endStep();
      if (code !== 0) return rej(new Error(`docker build of ${tag} failed (${code}):\n${tail.join('\n')}`));
      process.stderr.write(`app-images: ${tag} built in ${Math.round((Date.now() - started) / 1000)}s\n`);
      res();
    });
  });
}

async function buildArchive(archive, testImages) {
  // The engine's data stays in the cache: its layers (the dependencies `pnpm fetch`
  // downloads, keyed by the lockfile, the shared build of both Dockerfiles) make a
  // rebuild after a source change start at `COPY . .`.
  const stateDir = join(cacheRoot(), 'app-images-engine');
  await stopContainerEngine({ stateDir }); // one a killed build left running
  const engine = await startContainerEngine({ stateDir });
  const docker = (args) =>
    execFileSync('/usr/bin/docker', args, {
      env: { ...process.env, DOCKER_HOST: engine.dockerHost },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  try {
    const loaded = join(stateDir, 'loaded-test-images');
    if (!existsSync(loaded) || readFileSync(loaded, 'utf8') !== basename(testImages)) {
      docker(['load', '-q', '-i', testImages]); // the Node base and the stage helper
      writeFileSync(loaded, basename(testImages));
    }
    // api first: web's build then starts from the layers the two Dockerfiles share.
    for (const [tag, dockerfile] of [
      [API_IMAGE, 'apps/api/Dockerfile'],
      [WEB_IMAGE, 'apps/web/Dockerfile'],
    ]) {
      await timedBuild(engine.dockerHost, { tag, dockerfile });
      // The build stage under a tag of its own (all cached, a few seconds): nothing tagged
      // derives from it, so the prune below would take it, and with it the next build's cache.
      await timedBuild(engine.dockerHost, { tag: `${tag}-build`, dockerfile, target: 'build' });
    }
    docker(['tag', STAGE_HELPER_IMAGE, HELPER_IMAGE]);
    docker(['save', '-o', archive, ...APP_IMAGES]);
    // What earlier builds left untagged; the layers of the tagged images stay for the next.
    docker(['image', 'prune', '-f']);
  } finally {
    await engine.stop();
  }
}

/** The archive for the current sources, built and pushed to the node's registry (nothing is built inside the test namespace). */
export function pushedAppImages() {
  const archive = requireArchive(archivePath(ARCHIVE_PREFIX, archiveKey(builtTestImages())), {
    what: WHAT,
    command: COMMAND,
  });
  requirePushed(archive, COMMAND);
  return archive;
}

/** Builds the archive once per content, pushes it once, and returns its path. */
export async function ensureAppImages() {
  const testImages = await ensureTestImages();
  const archive = await ensureArchive(ARCHIVE_PREFIX, archiveKey(testImages), {
    what: WHAT,
    build: (partial) => buildArchive(partial, testImages),
  });
  await pushToNodeRegistry(archive);
  return archive;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureAppImages().then(
    (archive) => process.stdout.write(`${archive}\n`),
    (error) => {
      process.stderr.write(`${error.stack || error}\n`);
      process.exit(1);
    },
  );
}
