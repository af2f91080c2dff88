import DataLoader from 'dataloader';
import type { Db } from '../db/prisma.js';
import type { ReadSql } from '../db/read-sql.js';
import { createArtifactLoaders } from '../modules/artifacts/artifacts.loaders.js';
import { createNotificationLoaders } from '../modules/notifications/notifications.loaders.js';
import { createRunLoaders } from '../modules/runs/run.loaders.js';
import { createRunInsightLoaders } from '../modules/runs/run-insights.loaders.js';
import { createRunTriggerLoaders } from '../modules/runs/run-trigger.loaders.js';
import { createSyncStatusLoaders } from '../modules/sync/sync-status.loaders.js';
import { createWorkflowLoaders } from '../modules/workflows/workflow.loaders.js';

/**
 * Per-request DataLoaders: every field that loads related rows goes through one, so
 * a list of N objects costs one query per relation, not N. Add a loader per relation.
 */
export function createLoaders(db: Db, sql: ReadSql) {
  return {
    ...createWorkflowLoaders(db, sql),
    ...createSyncStatusLoaders(db),
    ...createRunLoaders(db),
    ...createRunTriggerLoaders(db),
    ...createNotificationLoaders(db),
    ...createRunInsightLoaders(db),
    ...createArtifactLoaders(db),
    /** Resources of a project with their integration's name, by name. */
    resourcesByProjectId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.resource.findMany({
        where: { projectId: { in: [...ids] } },
        include: { integration: { select: { name: true } } },
        orderBy: { name: 'asc' },
      });
      return groupByKey(ids, rows, (row) => row.projectId);
    }),
    /** Stages of a project, by name. */
    stagesByProjectId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.stage.findMany({ where: { projectId: { in: [...ids] } }, orderBy: { name: 'asc' } });
      return groupByKey(ids, rows, (row) => row.projectId);
    }),
    userById: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.user.findMany({ where: { id: { in: [...ids] } } });
      return byKey(ids, rows, (row) => row.id);
    }),
    tenantById: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.tenant.findMany({ where: { id: { in: [...ids] } } });
      return byKey(ids, rows, (row) => row.id);
    }),
    /** Members of a tenant with their users, oldest first. */
    membersByTenantId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.membership.findMany({
        where: { tenantId: { in: [...ids] } },
        include: { user: true },
        orderBy: { createdAt: 'asc' },
      });
      return groupByKey(ids, rows, (row) => row.tenantId);
    }),
    projectsByTenantId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.project.findMany({ where: { tenantId: { in: [...ids] } }, orderBy: { name: 'asc' } });
      return groupByKey(ids, rows, (row) => row.tenantId);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Orders rows as the loader's keys (undefined where a row is missing). */
export function byKey<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): (R | undefined)[] {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key));
}

/** Groups rows under the loader's keys (an empty list where there are none). */
export function groupByKey<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): R[][] {
  const groups = new Map<K, R[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}
