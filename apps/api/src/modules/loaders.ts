import type { PlainSql } from '../db/plain-sql.js';
import type { Db } from '../db/prisma.js';
import { createArtifactLoaders } from './artifacts/artifacts.loaders.js';
import { createNotificationLoaders } from './notifications/notifications.loaders.js';
import { createProjectLoaders } from './projects/projects.loaders.js';
import { createRunInsightLoaders } from './runs/run-insights.loaders.js';
import { createRunTriggerLoaders } from './runs/run-trigger.loaders.js';
import { createRunLoaders } from './runs/runs.loaders.js';
import { createSyncStatusLoaders } from './sync/sync-status.loaders.js';
import { createTenantLoaders } from './tenants/tenants.loaders.js';
import { createWorkflowLoaders } from './workflows/workflows.loaders.js';

/**
 * Per-request DataLoaders of every module: every field that loads related rows goes
 * through one, so a list of N objects costs one query per relation, not N. Each
 * module adds a loader per relation in its `.loaders.ts`.
 */
export function createLoaders(db: Db, sql: PlainSql) {
  return {
    ...createWorkflowLoaders(db, sql),
    ...createSyncStatusLoaders(db),
    ...createRunLoaders(db),
    ...createRunTriggerLoaders(db),
    ...createNotificationLoaders(db),
    ...createRunInsightLoaders(db),
    ...createArtifactLoaders(db),
    ...createProjectLoaders(db),
    ...createTenantLoaders(db),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
