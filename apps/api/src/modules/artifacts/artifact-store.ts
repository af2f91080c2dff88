import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { meteredStream, runTar } from './artifact-streams.js';

export interface StoredArtifact {
  size: bigint;
  sha256: string;
}

/**
 * Where artifacts live. The filesystem store is the default; an object store (S3 and
 * the like) implements the same four calls.
 */
export interface ArtifactStore {
  /** Copies a file as it is, or a directory as a tar archive, to `key`. */
  put(key: string, source: string, isDirectory: boolean): Promise<StoredArtifact>;
  /**
   * Stores the bytes of a stream (an uploaded file or tar archive) at `key`, replacing
   * what was there only once the whole stream arrived; more than `maxBytes` fails
   * with ArtifactTooLargeError and stores nothing.
   */
  write(key: string, body: Readable, maxBytes: number): Promise<StoredArtifact>;
  /** The stored bytes (the file, or the tar archive of a directory). */
  open(key: string): Promise<Readable>;
  /** Writes the artifact to `target`: the file, or the directory extracted. */
  restore(key: string, target: string, isDirectory: boolean): Promise<void>;
  /** Drops every artifact of a run (retention). */
  removeRun(runId: string): Promise<void>;
  /** Drops one stored object (a cache entry evicted or deleted); a missing one is no error. */
  remove(key: string): Promise<void>;
}

/** Storage key of a cache entry of a tenant (a tar archive of the entry's paths). */
export function cacheStorageKey(tenantId: string, entryId: string): string {
  return `caches/${tenantId}/${entryId}.tar`;
}

export class ArtifactTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the artifact is larger than the limit of ${maxBytes} bytes`);
  }
}

/** Storage key of an artifact; names are encoded so that none can leave its folder. */
export function artifactKey(runId: string, stage: string, name: string): string {
  return `${runId}/${stage}/${encodeURIComponent(name).replace(/\./g, '%2E')}`;
}

/** Artifacts as files under a root folder (`<data dir>/artifacts`). */
export class FilesystemArtifactStore implements ArtifactStore {
  constructor(private readonly root: string) {}

  async put(key: string, source: string, isDirectory: boolean): Promise<StoredArtifact> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    // Written under a private name and renamed: a reader never sees half an artifact.
    const draft = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      if (isDirectory) await runTar(['-cf', draft, '-C', source, '.']);
      else await pipeline(createReadStream(source), createWriteStream(draft));
      const hash = createHash('sha256');
      await pipeline(createReadStream(draft), hash);
      const { size } = await stat(draft);
      await rename(draft, target);
      return { size: BigInt(size), sha256: hash.digest('hex') };
    } finally {
      await rm(draft, { force: true });
    }
  }

  async write(key: string, body: Readable, maxBytes: number): Promise<StoredArtifact> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const draft = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    const metered = meteredStream(maxBytes);
    try {
      await pipeline(body, metered.stream, createWriteStream(draft));
      await rename(draft, target);
      return metered.result();
    } finally {
      await rm(draft, { force: true });
    }
  }

  async open(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    await stat(path);
    return createReadStream(path);
  }

  async restore(key: string, target: string, isDirectory: boolean): Promise<void> {
    const source = this.pathOf(key);
    if (isDirectory) {
      await mkdir(target, { recursive: true });
      await runTar(['-xf', source, '-C', target]);
    } else {
      await mkdir(dirname(target), { recursive: true });
      await pipeline(createReadStream(source), createWriteStream(target, { mode: 0o755 }));
    }
  }

  async removeRun(runId: string): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(runId)) return;
    await rm(join(this.root, runId), { recursive: true, force: true });
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    if (key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
      throw new Error(`bad artifact key "${key}"`);
    }
    return join(this.root, key);
  }
}
