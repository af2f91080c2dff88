import DataLoader from 'dataloader';
import type { Db } from '../../db/prisma.js';
import { RESOURCE_INCLUDE } from '../resources/resources.repository.js';
import { groupByKey } from '../shared/loader-keys.js';

/** What belongs to a project or a tenant, for a list of them in one query per relation. */
export function createProjectLoaders(db: Db) {
  return {
    /** Resources of a project with their integration's and registered type's names, by name. */
    resourcesByProjectId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.resource.findMany({
        where: { projectId: { in: [...ids] } },
        include: RESOURCE_INCLUDE,
        orderBy: { name: 'asc' },
      });
      return groupByKey(ids, rows, (row) => row.projectId);
    }),
    /** Stages of a project, by name. */
    stagesByProjectId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.stage.findMany({ where: { projectId: { in: [...ids] } }, orderBy: { name: 'asc' } });
      return groupByKey(ids, rows, (row) => row.projectId);
    }),
    projectsByTenantId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.project.findMany({ where: { tenantId: { in: [...ids] } }, orderBy: { name: 'asc' } });
      return groupByKey(ids, rows, (row) => row.tenantId);
    }),
  };
}
