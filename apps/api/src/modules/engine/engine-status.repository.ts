import type { Db } from '../../db/prisma.js';

/** Where stages run: what a controller records at start and every role reads. */
export interface EngineStatusRecord {
  executor: 'host' | 'container' | 'kubernetes';
  reason: string;
  detail: string;
  warning?: string;
}

const ROW_ID = 'engine';

/** The controller that starts last speaks for the installation (its replicas share one configuration). */
export async function recordEngineStatus(db: Db, status: EngineStatusRecord): Promise<void> {
  const data = {
    executor: status.executor,
    reason: status.reason,
    detail: status.detail,
    warning: status.warning ?? null,
  };
  await db.engineStatus.upsert({ where: { id: ROW_ID }, create: { id: ROW_ID, ...data }, update: data });
}

export async function readEngineStatus(db: Db) {
  return db.engineStatus.findUnique({ where: { id: ROW_ID } });
}
