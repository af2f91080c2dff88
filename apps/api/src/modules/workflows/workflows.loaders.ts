import type { WorkflowSpec } from '@cyclone/domain';
import DataLoader from 'dataloader';
import type { PlainSql } from '../../db/plain-sql.js';
import type { Db } from '../../db/prisma.js';
import { byKey, groupByKey } from '../shared/loader-keys.js';
import type { TriggerRow } from '../triggers/triggers.repository.js';
import { type RunRow, toWorkflowSpec, type WorkflowRow } from './workflows.repository.js';

/** Caps `runs(first:)` (docs/contract.md §2). */
export const MAX_RUNS_LIST = 500;

// A LIMIT per workflow on the (workflow_id, created_at DESC) index: reads `first` rows
// per workflow however many runs it has (a window over all runs reads them all).
const LATEST_RUNS_SQL = `
  SELECT r.id, r.workflow_id AS "workflowId", r.number, r.phase::text AS phase, r.message,
         r.created_at AS "createdAt", r.started_at AS "startedAt", r.finished_at AS "finishedAt",
         r.approval_reason AS "approvalReason", r.approved_at AS "approvedAt", r.approved_by_id AS "approvedById"
  FROM unnest($1::uuid[]) AS w(id)
  CROSS JOIN LATERAL (
    SELECT id, workflow_id, number, phase, message, created_at, started_at, finished_at,
           approval_reason, approved_at, approved_by_id
    FROM workflow_runs WHERE workflow_id = w.id
    ORDER BY created_at DESC, number DESC LIMIT $2
  ) r
  ORDER BY r.workflow_id, r.created_at DESC, r.number DESC`;

/**
 * DataLoaders of workflows and what hangs off them, so a list of N workflows with
 * their runs, versions and triggers costs one query per relation, not N.
 */
export function createWorkflowLoaders(db: Db, sql: PlainSql) {
  return {
    workflowById: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.workflow.findMany({ where: { id: { in: [...ids] } } });
      return byKey(ids, rows, (row) => row.id);
    }),
    workflowsByProjectId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.workflow.findMany({ where: { projectId: { in: [...ids] } }, orderBy: { name: 'asc' } });
      return groupByKey(ids, rows, (row): string => row.projectId) as WorkflowRow[][];
    }),
    /** The spec of one version, keyed `<workflowId>:<version>`. */
    workflowSpecByVersion: new DataLoader(async (keys: readonly string[]) => {
      const pairs = keys.map((key) => {
        const [workflowId, version] = key.split(':');
        return { workflowId: workflowId as string, version: Number(version) };
      });
      const rows = await db.workflowVersion.findMany({
        where: { OR: pairs },
        select: { workflowId: true, version: true, spec: true },
      });
      return byKey(keys, rows, (row) => `${row.workflowId}:${row.version}`).map((row) =>
        row ? toWorkflowSpec(row.spec) : undefined,
      ) as (WorkflowSpec | undefined)[];
    }),
    workflowVersionsByWorkflowId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.workflowVersion.findMany({
        where: { workflowId: { in: [...ids] } },
        select: {
          workflowId: true,
          version: true,
          createdAt: true,
          createdById: true,
          sourceRepo: true,
          sourceRevision: true,
        },
        orderBy: { version: 'desc' },
      });
      return groupByKey(ids, rows, (row) => row.workflowId);
    }),
    workflowTriggersByWorkflowId: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.workflowTrigger.findMany({
        where: { workflowId: { in: [...ids] } },
        orderBy: { name: 'asc' },
      });
      return groupByKey(ids, rows as TriggerRow[], (row) => row.workflowId);
    }),
    /** The newest `first` runs of each workflow, newest first, in one query per page size. */
    latestRunsByWorkflow: new DataLoader<{ workflowId: string; first: number }, RunRow[], string>(
      async (keys) => {
        const sizes = [...new Set(keys.map((k) => k.first))];
        const found = new Map<string, RunRow[]>();
        for (const first of sizes) {
          const ids = [...new Set(keys.filter((k) => k.first === first).map((k) => k.workflowId))];
          // Hundreds of rows per request on run lists: plain pg (see PlainSql).
          const rows = await sql.rows<RunRow>(LATEST_RUNS_SQL, [ids, first]);
          groupByKey(ids, rows, (row) => row.workflowId).forEach((group, i) => {
            found.set(`${ids[i]}:${first}`, group);
          });
        }
        return keys.map((k) => found.get(`${k.workflowId}:${k.first}`) ?? []);
      },
      { cacheKeyFn: (key) => `${key.workflowId}:${key.first}` },
    ),
  };
}
