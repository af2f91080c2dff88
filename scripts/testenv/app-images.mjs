#!/usr/bin/env node
// Cyclone's own images for the deploy test (apps/api/src/deploy/helm-install.real.test.ts),
// built from their production Dockerfiles on the local Node base of test-images.mjs and
// cached as one `docker save` archive under <cache>/images/:
//
//   cyclone.test/cyclone-api:test            apps/api/Dockerfile (NODE_IMAGE=local/node:24-bookworm)
//   cyclone.test/cyclone-web:test            apps/web/Dockerfile (same base)
//   cyclone.test/cyclone-stage-helper:test   test-images.mjs' stage helper under the chart's name
//
// The chart names its three images <image.repository>/cyclone-{api,web,stage-helper}:<image.tag>,
// so the test installs with image.repository=cyclone.test and image.tag=test. The real
// node imports the archive with `ctr images import` like the other test images: the
// test cluster pulls from no registry.
//
// The archive's name carries a hash of the build's inputs (the workspace's sources,
// lockfile, Dockerfiles and the test-images archive holding the base), so only a change
// to them rebuilds it. `pnpm fetch` inside the builds reaches the machine's npm
// registry, apt the Debian mirrors (--network=host, outside any test namespace).
//
// CLI: node scripts/testenv/app-images.mjs   # builds if needed (after test-images.mjs), prints the archive path
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from './base-image.mjs';
import { startContainerEngine } from './container-engine.mjs';
import {
  builtTestImages,
  dockerBuild,
  ensureTestImages,
  filesUnder,
  NODE_IMAGE,
  STAGE_HELPER_IMAGE,
} from './test-images.mjs';

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

function archiveKey(testImages) {
  const hash = createHash('sha256');
  hash.update(`${basename(testImages)}\n${readFileSync(fileURLToPath(import.meta.url))}`);
  for (const file of filesUnder(INPUTS)) {
    hash.update(`${relative(ROOT, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 12);
}

function archivePath(testImages) {
  return join(cacheRoot(), 'images', `cyclone-app-images-${archiveKey(testImages)}.tar`);
}

async function buildArchive(archive, testImages) {
  const work = mkdtempSync(join(tmpdir(), 'cyclone-app-images-'));
  try {
    const engine = await startContainerEngine({ stateDir: join(work, 'engine') });
    const docker = (args) =>
      execFileSync('/usr/bin/docker', args, {
        env: { ...process.env, DOCKER_HOST: engine.dockerHost },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    try {
      docker(['load', '-q', '-i', testImages]); // the Node base and the stage helper
      for (const [tag, dockerfile] of [
        [API_IMAGE, 'apps/api/Dockerfile'],
        [WEB_IMAGE, 'apps/web/Dockerfile'],
      ]) {
        const started = Date.now();
        dockerBuild(engine.dockerHost, {
          tag,
          context: ROOT,
          dockerfile: join(ROOT, dockerfile),
          args: { NODE_IMAGE },
        });
        process.stderr.write(`app-images: ${tag} built in ${Math.round((Date.now() - started) / 1000)}s\n`);
      }
      docker(['tag', STAGE_HELPER_IMAGE, HELPER_IMAGE]);
      const partial = `${archive}.partial`;
      docker(['save', '-o', partial, ...APP_IMAGES]);
      renameSync(partial, archive);
    } finally {
      await engine.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The archive for the current sources, which must have been built (nothing is built inside the test namespace). */
export function builtAppImages() {
  const archive = archivePath(builtTestImages());
  if (!existsSync(archive)) {
    throw new Error(
      `Cyclone's test images are not built (${archive}): run "node scripts/testenv/app-images.mjs" (npm test does)`,
    );
  }
  return archive;
}

/** Builds the archive once per content and returns its path. */
export async function ensureAppImages() {
  const testImages = await ensureTestImages();
  const dir = join(cacheRoot(), 'images');
  mkdirSync(dir, { recursive: true });
  const archive = archivePath(testImages);
  if (existsSync(archive)) return archive;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('cyclone-app-images-')) rmSync(join(dir, name), { force: true }); // older contents
  }
  process.stderr.write(`building Cyclone's test images: ${archive}\n`);
  await buildArchive(archive, testImages);
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
