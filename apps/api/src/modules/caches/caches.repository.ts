import { pickCacheEntry, planCacheEviction } from '@cyclone/domain';
import type { Db } from '../../db/prisma.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../shared/mutation.js';

export interface CacheEntryRow {
  id: string;
  key: string;
  size: bigint;
  storageKey: string;
  createdAt: Date;
  lastUsedAt: Date;
}

const ENTRY = { id: true, key: true, size: true, storageKey: true, createdAt: true, lastUsedAt: true } as const;

/**
 * The entry a stage restores (exact key, else the newest of each prefix in turn), its
 * use recorded so that eviction spares it; undefined on a miss. Only the tenant's own
 * entries are ever looked at.
 */
export async function takeCacheEntry(
  db: Db,
  tenantId: string,
  key: string,
  restoreKeys: readonly string[],
): Promise<CacheEntryRow | undefined> {
  const rows = await db.stageCache.findMany({
    where: { tenantId, OR: [{ key }, ...restoreKeys.map((prefix) => ({ key: { startsWith: prefix } }))] },
    select: ENTRY,
  });
  const entry = pickCacheEntry(rows, key, restoreKeys);
  if (entry) await db.stageCache.updateMany({ where: { id: entry.id }, data: { lastUsedAt: new Date() } });
  return entry;
}

export async function hasCacheKey(db: Db, tenantId: string, key: string): Promise<boolean> {
  return (await db.stageCache.count({ where: { tenantId, key } })) > 0;
}

export type RecordCacheResult = { isDuplicate: true } | { isDuplicate: false; evicted: CacheEntryRow[] };

/**
 * Records a stored entry in one transaction, under a per-tenant lock so that saves
 * of one tenant evict in turn: a key saved meanwhile wins (keys are immutable) and
 * the least recently used entries make room under `maxBytes`. The caller removes
 * the evicted entries' blobs (and its own on a duplicate) once this committed.
 */
export async function recordCacheEntry(
  db: Db,
  entry: {
    id: string;
    tenantId: string;
    projectId: string | null;
    key: string;
    size: bigint;
    storageKey: string;
    savedBy: string;
    runId: string | null;
  },
  maxBytes: bigint,
): Promise<RecordCacheResult> {
  return db.$transaction(
    async (tx) => {
      await lockTenantCaches(tx, entry.tenantId);
      if ((await tx.stageCache.count({ where: { tenantId: entry.tenantId, key: entry.key } })) > 0) {
        return { isDuplicate: true };
      }
      const current = await tx.stageCache.findMany({ where: { tenantId: entry.tenantId }, select: ENTRY });
      const evicted = planCacheEviction(current, entry.size, maxBytes);
      if (evicted.length > 0) await tx.stageCache.deleteMany({ where: { id: { in: evicted.map((row) => row.id) } } });
      await tx.stageCache.create({ data: entry });
      return { isDuplicate: false, evicted };
    },
    { maxWait: 60_000, timeout: 15_000 },
  );
}

/**
 * Serializes the writes to one tenant's entries until the transaction ends: saves evict
 * in turn, and a deletion removes exactly the rows it listed (none evicted meanwhile).
 */
async function lockTenantCaches(tx: Tx, tenantId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`stage-caches:${tenantId}`}, 0))`;
}

/** Which entries of a tenant a deletion takes: one key, or all a project saved. */
export type CacheEntrySelection = Pick<Prisma.StageCacheWhereInput, 'key' | 'projectId'>;

/**
 * Deletes the tenant's entries that `where` selects (one key, or all a project saved)
 * and returns their storage keys: the caller removes the blobs once this committed.
 */
export async function deleteCacheEntries(tx: Tx, tenantId: string, where: CacheEntrySelection): Promise<string[]> {
  await lockTenantCaches(tx, tenantId);
  const rows = await tx.stageCache.findMany({ where: { ...where, tenantId }, select: { id: true, storageKey: true } });
  if (rows.length > 0) await tx.stageCache.deleteMany({ where: { id: { in: rows.map((row) => row.id) } } });
  return rows.map((row) => row.storageKey);
}
