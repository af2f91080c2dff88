import type { Db } from '../db/prisma.js';
import type { SyncPhase } from '../generated/prisma/enums.js';
import type { SyncObjectType } from './labels.js';

export interface SyncRecord {
  objectType: SyncObjectType;
  objectId: string;
  tenantId: string | null;
  phase: SyncPhase;
  generation: number | null;
  sourceUpdatedAt: Date | null;
  syncedAt: Date | null;
  lastError: string | null;
}

export const syncKey = (type: string, id: string) => `${type}/${id}`;

/** Sync states, written only when they change, so a resync of an unchanged world writes nothing. */
export const syncStateRepository = {
  async loadAll(db: Db): Promise<Map<string, SyncRecord>> {
    const rows = await db.syncState.findMany();
    return new Map(rows.map((r) => [syncKey(r.objectType, r.objectId), r as SyncRecord]));
  },

  async save(db: Db, previous: SyncRecord | undefined, next: SyncRecord): Promise<void> {
    if (
      previous &&
      previous.phase === next.phase &&
      previous.generation === next.generation &&
      previous.lastError === next.lastError &&
      previous.sourceUpdatedAt?.getTime() === next.sourceUpdatedAt?.getTime()
    ) {
      return;
    }
    const { objectType, objectId, ...data } = next;
    await db.syncState.upsert({
      where: { objectType_objectId: { objectType, objectId } },
      create: next,
      update: data,
    });
  },

  /** Removes the states of objects that no longer exist. */
  async prune(db: Db, states: Map<string, SyncRecord>, keep: Set<string>): Promise<void> {
    const gone = [...states.values()].filter((s) => !keep.has(syncKey(s.objectType, s.objectId)));
    for (const state of gone) {
      await db.syncState.deleteMany({ where: { objectType: state.objectType, objectId: state.objectId } });
    }
  },
};
