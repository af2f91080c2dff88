// The Debian base image of the tests and of locally built images, made without any
// registry: mmdebstrap (minbase, the machine's own apt sources) into a tarball cached
// under ${CYCLONE_TESTENV_CACHE:-~/.cache/cyclone-testenv}/images/, then imported
// into an engine as `local/debian:bookworm` (REAL-CONTAINERS.md, "Images for tests").
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const BASE_IMAGE = 'local/debian:bookworm';
const SUITE = 'bookworm';

/** The machine's apt source files (deb822 `.sources` and one-line `.list`), as mmdebstrap takes them. */
function aptSources() {
  const files = [];
  if (existsSync('/etc/apt/sources.list') && readFileSync('/etc/apt/sources.list', 'utf8').trim() !== '') {
    files.push('/etc/apt/sources.list');
  }
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      if (/^debian.*\.(sources|list)$/.test(name)) files.push(join(dir, name));
    }
  }
  if (files.length === 0) throw new Error('no Debian apt sources found in /etc/apt to build the base image from');
  return files;
}

export function cacheRoot() {
  return process.env.CYCLONE_TESTENV_CACHE ?? join(homedir(), '.cache', 'cyclone-testenv');
}

/** Builds the base tarball once per machine (about 40 s) and returns its path. */
export function ensureBaseImageTarball() {
  const sources = aptSources();
  const key = createHash('sha256')
    .update(['minbase', SUITE, ...sources.map((file) => readFileSync(file, 'utf8'))].join('\n'))
    .digest('hex')
    .slice(0, 12);
  const dir = join(cacheRoot(), 'images');
  const tarball = join(dir, `debian-${SUITE}-minbase-${key}.tar`);
  if (existsSync(tarball)) return tarball;
  if (!existsSync('/usr/bin/mmdebstrap')) {
    throw new Error('mmdebstrap is not installed: run "apt-get install -y mmdebstrap" (npm test does it)');
  }
  mkdirSync(dir, { recursive: true });
  const partial = `${tarball}.partial`;
  rmSync(partial, { force: true });
  process.stderr.write(`building the Debian base image tarball (mmdebstrap, once per machine): ${tarball}\n`);
  execFileSync(
    'mmdebstrap',
    ['--mode=root', '--variant=minbase', '--format=tar', '--quiet', SUITE, partial, ...sources],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  renameSync(partial, tarball);
  return tarball;
}
