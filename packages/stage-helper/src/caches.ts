import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { globMatcher, renderCacheKey } from '@cyclone/domain/core';
import { apiPath, type StageTransfer } from './api-client.js';
import { packTar, unpackTar } from './tar.js';

/** A stage cache as the API puts it on the pod: run values substituted, hashFiles left to evaluate here. */
export interface CacheSpec {
  key: string;
  paths: string[];
  restoreKeys: string[];
}

/** A cache with its key as evaluated when the stage started: what the sidecar saves after a zero exit. */
export interface EvaluatedCache {
  key: string;
  paths: string[];
}

const KEY_HEADER = 'x-cyclone-cache-key';
const SIZE_HEADER = 'x-cyclone-cache-size';

const base = (transfer: StageTransfer) => apiPath(transfer.apiUrl, '/internal/stages/caches');

/** `12.3 MB`, as the API's own executors say it. */
function formatSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The workspace's files (not Cyclone's `.cyclone` folders), as relative paths; links are not followed (a pod's resources are copies). */
async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    if (entry.name === '.cyclone') continue;
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile()) files.push(relative);
    else if (entry.isDirectory()) files.push(...(await listFiles(root, relative)));
  }
  return files;
}

/** `hashFiles(patterns)`: the hex sha256 over the matching files' contents in sorted path order; '' for none. */
export async function hashFiles(workspace: string, patterns: string[]): Promise<string> {
  const files = (await listFiles(workspace)).filter(globMatcher(patterns)).sort();
  if (files.length === 0) return '';
  const hash = createHash('sha256');
  for (const file of files) {
    for await (const chunk of createReadStream(join(workspace, file))) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/**
 * Inputs container, after resources and artifacts: evaluates each key over the
 * workspace, restores the entry the API finds into it, and writes the evaluated keys
 * to `stateFile` for the sidecar. A miss or a failed restore is logged, never fatal.
 */
export async function restoreCaches(
  transfer: StageTransfer,
  caches: readonly CacheSpec[],
  workspace: string,
  stateFile: string,
): Promise<void> {
  const doFetch = transfer.fetchImpl ?? fetch;
  const hash = (patterns: string[]) => hashFiles(workspace, patterns);
  const evaluated: EvaluatedCache[] = [];
  for (const cache of caches) {
    const key = await renderCacheKey(cache.key, hash);
    const restoreKeys = await Promise.all(cache.restoreKeys.map((prefix) => renderCacheKey(prefix, hash)));
    evaluated.push({ key, paths: cache.paths });
    writeFileSync(stateFile, JSON.stringify(evaluated));
    try {
      const query = new URLSearchParams([
        ['key', key],
        ...restoreKeys.map((p) => ['restoreKeys', p] as [string, string]),
      ]);
      const response = await doFetch(`${base(transfer)}/restore?${query}`, {
        headers: { authorization: `Bearer ${transfer.token}` },
      });
      if (response.status === 204) {
        transfer.log(`[cyclone] cache miss for key ${key}`);
        continue;
      }
      if (!response.ok || !response.body)
        throw new Error(`${response.status} ${(await response.text()).slice(0, 300)}`);
      const found = decodeURIComponent(response.headers.get(KEY_HEADER) ?? key);
      const size = Number(response.headers.get(SIZE_HEADER) ?? 0);
      await unpackTar(Readable.fromWeb(response.body as never), workspace);
      const how = found === key ? '' : ` for key ${key}`;
      transfer.log(`[cyclone] cache restored from key ${found}${how} (${formatSize(size)})`);
    } catch (error) {
      transfer.log(`[cyclone] cache ${key} could not be restored: ${(error as Error).message}`);
    }
  }
}

/**
 * Sidecar, after a zero exit: saves each cache (its existing paths as one tar archive)
 * under the key evaluated at the start, unless the key exists. Logged, never fatal.
 */
export async function saveCaches(transfer: StageTransfer, stateFile: string, workspace: string): Promise<void> {
  if (!existsSync(stateFile)) return;
  const doFetch = transfer.fetchImpl ?? fetch;
  const caches = JSON.parse(readFileSync(stateFile, 'utf8')) as EvaluatedCache[];
  const headers = { authorization: `Bearer ${transfer.token}` };
  for (const cache of caches) {
    const immutable = `[cyclone] cache not saved: key ${cache.key} exists already (a key is never overwritten)`;
    try {
      const query = new URLSearchParams({ key: cache.key });
      const exists = await doFetch(`${base(transfer)}/exists?${query}`, { headers });
      if (!exists.ok) throw new Error(`${exists.status} ${(await exists.text()).slice(0, 300)}`);
      if (((await exists.json()) as { exists: boolean }).exists) {
        transfer.log(immutable);
        continue;
      }
      const present: string[] = [];
      for (const path of cache.paths) if (await lstat(join(workspace, path)).catch(() => undefined)) present.push(path);
      if (present.length === 0) {
        transfer.log(`[cyclone] cache not saved: none of ${cache.paths.join(', ')} exists`);
        continue;
      }
      const response = await doFetch(`${base(transfer)}/save?${query}`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/x-tar' },
        body: Readable.toWeb(packTar(workspace, present)) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      if (!response.ok) throw new Error(`${response.status} ${(await response.text()).slice(0, 300)}`);
      const saved = (await response.json()) as { saved: boolean; size?: string; evicted?: string[] };
      if (!saved.saved) {
        transfer.log(immutable);
        continue;
      }
      transfer.log(`[cyclone] cache saved as key ${cache.key} (${formatSize(Number(saved.size ?? 0))})`);
      if (saved.evicted && saved.evicted.length > 0) {
        transfer.log(
          `[cyclone] evicted the least recently used cache entries of the tenant: ${saved.evicted.join(', ')}`,
        );
      }
    } catch (error) {
      transfer.log(`[cyclone] cache not saved as key ${cache.key}: ${(error as Error).message}`);
    }
  }
}
