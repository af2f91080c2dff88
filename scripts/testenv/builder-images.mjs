#!/usr/bin/env node
// The images of the image-build tests, on the mmdebstrap base (no registry):
//
//   cyclone.test/buildah:1   Debian's buildah (no daemon): the image-build template's
//                            builder (vfs storage, chroot isolation, see docs/engine.md)
//   local/golang:bookworm    Debian's Go toolchain: the golang example's build stage
//
// The real-node archive (test-images.mjs) carries both; the container tests build the
// buildah one on their own engine, once per content, and keep a `docker save` of it in the cache.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE, cacheRoot } from './base-image.mjs';

export const BUILDAH_IMAGE = 'cyclone.test/buildah:1';
export const GO_IMAGE = 'local/golang:bookworm';

const aptInstall = (packages, ...cleanUp) => [
  'RUN apt-get update \\',
  ` && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages} \\`,
  ...cleanUp.map((command) => ` && ${command} \\`),
  ' && rm -rf /var/lib/apt/lists/*',
];

export const BUILDER_DOCKERFILES = {
  [BUILDAH_IMAGE]: [
    `FROM ${BASE_IMAGE}`,
    // buildah and its runtime; no fuse-overlayfs: the vfs driver needs no mounts.
    ...aptInstall('buildah ca-certificates'),
    'ENV STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot',
    '',
  ].join('\n'),
  [GO_IMAGE]: [
    `FROM ${BASE_IMAGE}`,
    // Half the size, in the same layer: no prebuilt standard library (CGO_ENABLED=0 builds
    // its own anyway), no tests of Go itself.
    ...aptInstall(
      'golang-go ca-certificates',
      'rm -rf /usr/lib/go-*/pkg/linux_amd64* /usr/share/go-*/test',
      "find /usr/share/go-*/src \\( -name testdata -prune -o -name '*_test.go' \\) -exec rm -rf {} +",
    ),
    // Static binaries: the example's image is FROM scratch.
    'ENV CGO_ENABLED=0 GOPATH=/root/go GOCACHE=/tmp/go-build',
    '',
  ].join('\n'),
};

const docker = (dockerHost, args, options = {}) =>
  execFileSync('/usr/bin/docker', args, {
    env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
    ...options,
  });

/** Builds the images (default: both) on an engine that has the base image (apt needs the host network). */
export function buildBuilderImages(dockerHost, tags = Object.keys(BUILDER_DOCKERFILES)) {
  for (const tag of tags) {
    const dockerfile = BUILDER_DOCKERFILES[tag];
    const context = mkdtempSync(join(tmpdir(), 'cyclone-builder-image-'));
    try {
      writeFileSync(join(context, 'Dockerfile'), dockerfile);
      docker(dockerHost, ['build', '--network=host', '--quiet', '-t', tag, context]);
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  }
  return tags;
}

/** Loads the cached image `tag` into the engine, building (and caching) it first when needed. */
export function ensureBuilderImage(dockerHost, tag) {
  const dockerfile = BUILDER_DOCKERFILES[tag];
  if (!dockerfile) throw new Error(`no builder image ${tag}`);
  const key = createHash('sha256').update(dockerfile).digest('hex').slice(0, 12);
  const dir = join(cacheRoot(), 'images');
  const archive = join(dir, `builder-${tag.replace(/[^a-z0-9]+/g, '-')}-${key}.tar`);
  if (existsSync(archive)) {
    docker(dockerHost, ['load', '-q', '-i', archive]);
    return tag;
  }
  buildBuilderImages(dockerHost, [tag]);
  mkdirSync(dir, { recursive: true });
  docker(dockerHost, ['save', '-o', `${archive}.partial`, tag]);
  renameSync(`${archive}.partial`, archive);
  return tag;
}
