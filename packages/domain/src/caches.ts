// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Cyclone keys use ${hashFiles(…)} literally.
import { z } from 'zod';
import { hashFilesCalls, parseHashFilesArguments, usesHashFiles } from './core/cache-keys.js';

/**
 * Stage caches (GitHub Actions' actions/cache semantics): before a stage starts, the
 * newest entry of the tenant whose key is `key`, else the newest whose key starts with
 * each `restoreKeys` prefix in turn, is extracted into the workspace; after it succeeds
 * its `paths` are saved as `key` unless that key exists already (keys are immutable).
 */
export const CACHE_KEY_MAX = 512;
const MAX_ITEMS = 20;

export const stageCacheSchema = z.object({
  key: z.string().min(1).max(CACHE_KEY_MAX),
  /** Files or folders relative to the workspace. */
  paths: z.array(z.string().min(1).max(4096)).min(1).max(MAX_ITEMS),
  restoreKeys: z.array(z.string().min(1).max(CACHE_KEY_MAX)).max(MAX_ITEMS).default([]),
});
export type StageCache = z.infer<typeof stageCacheSchema>;

/** Why a cache path is refused, or undefined: only paths inside the workspace are cached. */
export function cachePathProblem(path: string): string | undefined {
  if (path.startsWith('/') || path.startsWith('~') || /^[A-Za-z]:[\\/]/.test(path)) {
    return `${path} must be relative to the workspace (set GOMODCACHE, GOCACHE and the like to a folder in it)`;
  }
  const segments = path.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return `${path} must not contain ..`;
  if (segments.length === 0) return `${path} is the whole workspace: name a file or folder inside it`;
  return undefined;
}

/** The relative path as stored in the archive (`./a//b/` → `a/b`). */
export function normalizeCachePath(path: string): string {
  return path
    .split(/[\\/]+/)
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

/** Problems of a key's `${hashFiles(…)}` calls: bad arguments, patterns leaving the workspace. */
export function cacheKeyProblem(key: string): string | undefined {
  for (const { call, args } of hashFilesCalls(key)) {
    const patterns = parseHashFilesArguments(args);
    if (!patterns) return `${call} needs quoted patterns: hashFiles('go.sum', '**/*.lock')`;
    for (const pattern of patterns) {
      const problem = cachePathProblem(pattern);
      if (problem) return `hashFiles: ${problem}`;
    }
  }
  return undefined;
}

/** Problems of a stage's caches, each with the path of the field under the stage. */
export function stageCacheProblems(
  caches: readonly StageCache[] | undefined,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  (caches ?? []).forEach((cache, i) => {
    const keyProblem = cacheKeyProblem(cache.key);
    if (keyProblem) problems.push({ path: ['caches', i, 'key'], message: keyProblem });
    cache.restoreKeys.forEach((prefix, j) => {
      if (usesHashFiles(prefix)) {
        const problem = cacheKeyProblem(prefix);
        if (problem) problems.push({ path: ['caches', i, 'restoreKeys', j], message: problem });
      }
    });
    cache.paths.forEach((path, j) => {
      const problem = cachePathProblem(path);
      if (problem) problems.push({ path: ['caches', i, 'paths', j], message: problem });
    });
  });
  return problems;
}

export interface CacheEntryView {
  key: string;
  createdAt: Date;
}

/**
 * The entry a restore takes: the one whose key is `key`, else, for each prefix in
 * order, the newest entry whose key starts with it; undefined on a miss.
 */
export function pickCacheEntry<T extends CacheEntryView>(
  entries: readonly T[],
  key: string,
  restoreKeys: readonly string[],
): T | undefined {
  const exact = entries.find((entry) => entry.key === key);
  if (exact) return exact;
  for (const prefix of restoreKeys) {
    let newest: T | undefined;
    for (const entry of entries) {
      if (!entry.key.startsWith(prefix)) continue;
      if (!newest || entry.createdAt.getTime() > newest.createdAt.getTime()) newest = entry;
    }
    if (newest) return newest;
  }
  return undefined;
}

export interface CacheUsage {
  id: string;
  size: bigint;
  lastUsedAt: Date;
}

/**
 * Entries to drop (least recently used first) so that `incoming` more bytes fit
 * under `maxBytes`; all of them when even that does not suffice.
 */
export function planCacheEviction<T extends CacheUsage>(
  entries: readonly T[],
  incoming: bigint,
  maxBytes: bigint,
): T[] {
  let total = entries.reduce((sum, entry) => sum + entry.size, 0n) + incoming;
  if (total <= maxBytes) return [];
  const oldestFirst = [...entries].sort(
    (a, b) => a.lastUsedAt.getTime() - b.lastUsedAt.getTime() || a.id.localeCompare(b.id),
  );
  const evicted: T[] = [];
  for (const entry of oldestFirst) {
    if (total <= maxBytes) break;
    evicted.push(entry);
    total -= entry.size;
  }
  return evicted;
}

/** `12.3 MB` for log lines. */
export function formatCacheSize(bytes: bigint | number): string {
  const n = Number(bytes);
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
