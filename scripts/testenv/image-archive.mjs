// The `docker save` archives of the tests' images (test-images.mjs, app-images.mjs), cached
// under <cache>/images/ as <prefix>-<hash of their inputs>.tar: built once per content,
// written under a .partial name and renamed when complete, the older contents removed.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from './base-image.mjs';

/** Where the archive of these inputs lives. */
export function archivePath(prefix, key) {
  return join(cacheRoot(), 'images', `${prefix}-${key}.tar`);
}

/** The archive, which set-up must have built (nothing is built inside the test network namespace). */
export function requireArchive(archive, { what, command }) {
  if (!existsSync(archive)) throw new Error(`${what} are not built (${archive}): run "${command}" (npm test does)`);
  return archive;
}

/**
 * Builds the archive when it is missing: build(partialPath) writes it; the other
 * archives of the same prefix (older contents) go first.
 */
export async function ensureArchive(prefix, key, { what, build }) {
  const archive = archivePath(prefix, key);
  if (existsSync(archive)) return archive;
  const dir = join(cacheRoot(), 'images');
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) {
    if (name.startsWith(`${prefix}-`)) rmSync(join(dir, name), { force: true });
  }
  process.stderr.write(`building ${what}: ${archive}\n`);
  const partial = `${archive}.partial`;
  await build(partial);
  renameSync(partial, archive);
  return archive;
}
