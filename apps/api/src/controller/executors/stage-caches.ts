import { randomUUID } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCacheSize, normalizeCachePath, renderCacheKey, type StageCache } from '@cyclone/domain';
import type { Db } from '../../db/prisma.js';
import { type ArtifactStore, ArtifactTooLargeError, cacheStorageKey } from '../../modules/artifacts/artifact-store.js';
import { tarPaths } from '../../modules/artifacts/artifact-streams.js';
import { hasCacheKey, recordCacheEntry, takeCacheEntry } from '../../modules/caches/caches.repository.js';
import { hashWorkspaceFiles } from './cache-hash-files.js';
import type { LogWriter } from './log-writer.js';
import { type StageHands, stageHands } from './stage-hands.js';
import { openInWorkspace } from './workspace-files.js';

/** What one tenant's stage caches may take in all unless configured (CYCLONE_CACHE_MAX_SIZE). */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 ** 3;

/** Whose caches a stage uses: the run's tenant; the project and stage are recorded with a saved entry. */
export interface CacheScope {
  tenantId: string;
  projectId: string | null;
  /** `<workflow>/<stage>`, shown with the entry. */
  savedBy: string;
}

export interface CacheDeps {
  db: Db;
  store: ArtifactStore;
  /** What the tenant's entries may take in all (least recently used evicted past it). */
  maxBytes: number;
}

/** The caches of an attempt with their keys as evaluated when it started (what a save uses). */
export interface EvaluatedCache {
  key: string;
  paths: string[];
}

/**
 * Before the command: evaluates each cache's key (`${hashFiles(…)}` over the workspace,
 * with the inputs already in place) and extracts the entry it finds into the workspace,
 * as the stage (see StageHands). A miss or a failed restore is logged, never fatal: the
 * stage then builds without it.
 */
export async function restoreCaches(
  deps: CacheDeps,
  launch: { caches?: readonly StageCache[]; cacheScope?: CacheScope },
  places: { workspace: string; hands?: StageHands },
  writer: LogWriter,
  signal: AbortSignal,
): Promise<EvaluatedCache[]> {
  const { caches = [], cacheScope } = launch;
  if (caches.length === 0 || !cacheScope) return [];
  const hands = places.hands ?? stageHands({ isolation: 'none' }, places.workspace, places.workspace);
  const hash = (patterns: string[]) => hashWorkspaceFiles(places.workspace, patterns);
  const evaluated: EvaluatedCache[] = [];
  for (const cache of caches) {
    signal.throwIfAborted();
    let key: string;
    let restoreKeys: string[];
    try {
      key = await renderCacheKey(cache.key, hash);
      restoreKeys = await Promise.all(cache.restoreKeys.map((prefix) => renderCacheKey(prefix, hash)));
    } catch (error) {
      throw new Error(`cache key ${cache.key}: ${(error as Error).message}`);
    }
    evaluated.push({ key, paths: cache.paths.map(normalizeCachePath) });
    const entry = await takeCacheEntry(deps.db, cacheScope.tenantId, key, restoreKeys);
    if (!entry) {
      writer.line('STDOUT', `[cyclone] cache miss for key ${key}`);
      continue;
    }
    try {
      const stdin = await deps.store.open(entry.storageKey);
      const { code, error } = await hands.run('mkdir -p -- "$1" && tar -xf - -C "$1"', [hands.see(places.workspace)], {
        stdin,
        signal,
      });
      if (code !== 0) throw new Error(error || `exit code ${code}`);
      const how = entry.key === key ? '' : ` for key ${key}`;
      writer.line('STDOUT', `[cyclone] cache restored from key ${entry.key}${how} (${formatCacheSize(entry.size)})`);
    } catch (error) {
      signal.throwIfAborted();
      writer.line('STDERR', `[cyclone] cache ${entry.key} could not be restored: ${(error as Error).message}`);
    }
  }
  return evaluated;
}

/**
 * After a successful command: stores each cache's existing paths as a tar archive
 * under the key evaluated at the start, unless that key exists (keys are immutable),
 * evicting the tenant's least recently used entries past its size limit. Problems
 * are logged, never fatal: the stage's work is done.
 */
export async function saveCaches(
  deps: CacheDeps,
  scope: CacheScope | undefined,
  runId: string,
  workspace: string,
  caches: readonly EvaluatedCache[],
  writer: LogWriter,
): Promise<void> {
  if (!scope) return;
  for (const cache of caches) {
    try {
      await saveCache(deps, scope, runId, workspace, cache, writer);
    } catch (error) {
      writer.line('STDERR', `[cyclone] cache not saved as key ${cache.key}: ${(error as Error).message}`);
    }
  }
}

async function saveCache(
  deps: CacheDeps,
  scope: CacheScope,
  runId: string,
  workspace: string,
  cache: EvaluatedCache,
  writer: LogWriter,
): Promise<void> {
  const immutable = `[cyclone] cache not saved: key ${cache.key} exists already (a key is never overwritten)`;
  if (await hasCacheKey(deps.db, scope.tenantId, cache.key)) {
    writer.line('STDOUT', immutable);
    return;
  }
  const root = await realpath(workspace);
  const present: string[] = [];
  for (const path of cache.paths) {
    // Only what lies inside the workspace: a link the stage made cannot lead the API elsewhere.
    try {
      const opened = await openInWorkspace(root, join(root, path), path);
      await opened.handle.close();
      present.push(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  if (present.length === 0) {
    writer.line('STDOUT', `[cyclone] cache not saved: none of ${cache.paths.join(', ')} exists`);
    return;
  }
  const id = randomUUID();
  const storageKey = cacheStorageKey(scope.tenantId, id);
  let size: bigint;
  try {
    ({ size } = await deps.store.write(storageKey, tarPaths(root, present), deps.maxBytes));
  } catch (error) {
    if (!(error instanceof ArtifactTooLargeError)) throw error;
    writer.line('STDOUT', `[cyclone] cache not saved: larger than the tenant's cache limit of ${deps.maxBytes} bytes`);
    return;
  }
  const recorded = await recordCacheEntry(
    deps.db,
    { id, ...scope, key: cache.key, size, storageKey, runId },
    BigInt(deps.maxBytes),
  ).catch(async (error: unknown) => {
    await deps.store.remove(storageKey).catch(() => undefined);
    throw error;
  });
  if (recorded.isDuplicate) {
    await deps.store.remove(storageKey).catch(() => undefined);
    writer.line('STDOUT', immutable);
    return;
  }
  for (const entry of recorded.evicted) await deps.store.remove(entry.storageKey).catch(() => undefined);
  writer.line('STDOUT', `[cyclone] cache saved as key ${cache.key} (${formatCacheSize(size)})`);
  if (recorded.evicted.length > 0) {
    const keys = recorded.evicted.map((entry) => entry.key).join(', ');
    writer.line('STDOUT', `[cyclone] evicted the least recently used cache entries of the tenant: ${keys}`);
  }
}
