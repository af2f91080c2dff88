#!/usr/bin/env node
// The database image of the stage-services tests: Debian's redis-server and
// redis-tools on the mmdebstrap base (no registry), so one image is both the service
// and a stage that queries it (`redis-cli -h db ping`). The real-node archive
// (test-images.mjs) carries it; the container tests build it on their own engine,
// once per content, and keep a `docker save` of it in the cache.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE, cacheRoot } from './base-image.mjs';

export const SERVICE_IMAGE = 'local/redis:bookworm';

export const SERVICE_DOCKERFILE = [
  `FROM ${BASE_IMAGE}`,
  'RUN apt-get update \\',
  ' && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server redis-tools \\',
  ' && rm -rf /var/lib/apt/lists/*',
  '',
].join('\n');

const docker = (dockerHost, args, options = {}) =>
  execFileSync('/usr/bin/docker', args, {
    env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_BUILDKIT: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
    ...options,
  });

/** Builds the image on an engine that has the base image (apt needs the host network). */
export function buildServiceImage(dockerHost) {
  const context = mkdtempSync(join(tmpdir(), 'cyclone-service-image-'));
  try {
    writeFileSync(join(context, 'Dockerfile'), SERVICE_DOCKERFILE);
    docker(dockerHost, ['build', '--network=host', '--quiet', '-t', SERVICE_IMAGE, context]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/** Loads the cached image into the engine, building (and caching) it first when needed. */
export function ensureServiceImage(dockerHost) {
  const key = createHash('sha256').update(SERVICE_DOCKERFILE).digest('hex').slice(0, 12);
  const dir = join(cacheRoot(), 'images');
  const archive = join(dir, `service-redis-${key}.tar`);
  if (existsSync(archive)) {
    docker(dockerHost, ['load', '-q', '-i', archive]);
    return SERVICE_IMAGE;
  }
  buildServiceImage(dockerHost);
  mkdirSync(dir, { recursive: true });
  docker(dockerHost, ['save', '-o', `${archive}.partial`, SERVICE_IMAGE]);
  renameSync(`${archive}.partial`, archive);
  return SERVICE_IMAGE;
}
