import DataLoader from 'dataloader';
import type { Db } from '../../db/prisma.js';

export interface SyncStateRow {
  objectType: string;
  objectId: string;
  phase: 'PENDING' | 'SYNCED' | 'ERROR';
  generation: number | null;
  sourceUpdatedAt: Date | null;
  syncedAt: Date | null;
  lastError: string | null;
}

/** Sync states by `<objectType>/<objectId>` (apps/api/src/kube-sync writes them). */
export function createSyncStatusLoaders(db: Db) {
  return {
    syncStateByKey: new DataLoader<string, SyncStateRow | undefined>(async (keys) => {
      const pairs = keys.map((key) => {
        const slash = key.indexOf('/');
        return { objectType: key.slice(0, slash), objectId: key.slice(slash + 1) };
      });
      const rows = await db.syncState.findMany({ where: { OR: pairs } });
      const map = new Map(rows.map((row) => [`${row.objectType}/${row.objectId}`, row as SyncStateRow]));
      return keys.map((key) => map.get(key));
    }),
  };
}
