import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tryLock } from './folder-lock.js';
import type { LogWriter } from './log-writer.js';
import type { ResourcePull } from './stage-inputs.js';

/**
 * A persistent resource (the original Cyclone's `spec.persistent`): one copy of it is
 * kept per tenant and resource between runs (`<kept>/<key>`, key `<tenant>/<resource>`).
 * `IfNotExist` brings the kept copy to the run's revision incrementally (git fetch of
 * what it lacks, svn update); `Always` (and a first pull, or a changed URL) starts it
 * clean. Runs serialize on the copy while it is updated and copied into their
 * workspace; a stage works on its own copy, so what it changes is not kept.
 */
export interface KeptResource {
  key: string;
  pullPolicy: 'Always' | 'IfNotExist';
  /** Stage pods keep it on this claim of the tenant namespace, in folder `path` (the original's spec.persistent). */
  claim: { pvc: string; path: string };
}

export interface KeptResourceTools {
  /** A whole pull into an empty folder. */
  fetch: (dir: string, pull: ResourcePull, writer: LogWriter, signal: AbortSignal) => Promise<void>;
  /** Brings a kept copy to the pull's revision. */
  update: (dir: string, pull: ResourcePull, writer: LogWriter, signal: AbortSignal) => Promise<void>;
}

const WAIT_POLL_MS = 200;

/** Updates the kept copy under its lock, then hands it to `use` (a copy for the run). */
export async function withKeptCopy(
  root: string,
  pull: ResourcePull,
  kept: KeptResource,
  writer: LogWriter,
  signal: AbortSignal,
  tools: KeptResourceTools,
  use: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = join(root, kept.key);
  const lock = `${dir}.lock`;
  await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
  let isWaiting = false;
  while (!(await tryLock(lock))) {
    if (!isWaiting)
      writer.line('STDOUT', `[cyclone] resource "${pull.name}": waiting for another run using its kept copy`);
    isWaiting = true;
    signal.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
  try {
    const source = `${dir}.source`;
    const keptUrl = await readFile(source, 'utf8').catch(() => undefined);
    const isKept = keptUrl === pull.url && existsSync(join(dir, pull.type === 'Git' ? '.git' : '.svn'));
    try {
      if (kept.pullPolicy === 'IfNotExist' && isKept) {
        writer.line('STDOUT', `[cyclone] resource "${pull.name}": updating its kept copy (pullPolicy IfNotExist)`);
        await tools.update(dir, pull, writer, signal);
      } else {
        const why = isKept ? 'pullPolicy Always' : keptUrl === undefined ? 'none kept yet' : 'its URL changed';
        writer.line('STDOUT', `[cyclone] resource "${pull.name}": making its kept copy afresh (${why})`);
        await rm(dir, { recursive: true, force: true });
        await rm(source, { force: true });
        await tools.fetch(dir, pull, writer, signal);
        await writeFile(source, pull.url, { mode: 0o600 });
      }
    } catch (error) {
      // A copy left half-updated is not trusted: the next run starts it clean.
      await rm(source, { force: true });
      throw error;
    }
    await use(dir);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
