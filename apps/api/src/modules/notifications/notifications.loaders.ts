import DataLoader from 'dataloader';
import type { Db } from '../../db/prisma.js';

/** Per-request loaders of notification settings (by workflow) and delivery results (by run). */
export function createNotificationLoaders(db: Db) {
  return {
    notificationByWorkflowId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.workflowNotification.findMany({ where: { workflowId: { in: [...ids] } } });
      const map = new Map(rows.map((row) => [row.workflowId, row]));
      return ids.map((id) => map.get(id));
    }),
    runNotificationsByRunId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.runNotification.findMany({
        where: { runId: { in: [...ids] } },
        orderBy: [{ createdAt: 'asc' }, { receiver: 'asc' }],
      });
      const groups = new Map<string, typeof rows>(ids.map((id) => [id, []]));
      for (const row of rows) groups.get(row.runId)?.push(row);
      return ids.map((id) => groups.get(id) ?? []);
    }),
  };
}
