import type { Db } from '../../db/prisma.js';
import { badInput } from '../../errors/app-error.js';
import type { Prisma, WorkflowRun } from '../../generated/prisma/client.js';
import type { RunPhase, RunTrigger } from '../../generated/prisma/enums.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireTenantRole } from '../shared/access.js';
import { type ConnectionShape, decodeCursor, pageSize, toConnection } from '../shared/pagination.js';
import { type RunDayStatistics, readRunDays, windowDays } from './run-day-statistics.js';
import { readStageHealth } from './stage-health.js';
import { readTenantRunsPage } from './tenant-runs-page.js';

export const MAX_STATISTICS_DAYS = 90;
/** UTC offsets in minutes run from -12:00 to +14:00. */
const MIN_OFFSET = -12 * 60;
const MAX_OFFSET = 14 * 60;
const TRIGGERS: string[] = ['MANUAL', 'CRON', 'SCM', 'WEBHOOK'] satisfies RunTrigger[];
const ACTIVE: RunPhase[] = ['PENDING', 'RUNNING', 'WAITING'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TenantRunFilterArgs {
  project?: string | null;
  workflow?: string | null;
  phases?: RunPhase[] | null;
  triggers?: string[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

export interface RunStatistics {
  projects: number;
  workflows: number;
  runsToday: number;
  activeRuns: number;
  successRate: number | null;
  days: RunDayStatistics[];
}

/** Tenant-wide reads of runs: the runs list across workflows and the overview figures. */
export class RunInsightsPresenter {
  constructor(private readonly db: Db) {}

  /** Health of a workflow's stages; the caller has already read the workflow. */
  stageHealth(workflowId: string, stageNames: readonly string[], lastRuns: number) {
    return readStageHealth(this.db, workflowId, stageNames, lastRuns);
  }

  private tenantOf(user: AuthUser, tenant: string) {
    return this.db.$transaction((tx) => requireTenantRole(tx, user, tenant, 'VIEWER'));
  }

  /** Runs of a tenant, newest first, filtered; cursors follow createdAt then id. */
  async runs(
    user: AuthUser,
    tenant: string,
    args: { first?: number; after?: string; filter?: TenantRunFilterArgs },
  ): Promise<ConnectionShape<WorkflowRun>> {
    const size = pageSize(args.first);
    const filter = args.filter ?? {};
    if (filter.workflow && !filter.project) throw badInput('filter.project', 'is needed with filter.workflow');
    const unknown = (filter.triggers ?? []).find((t) => !TRIGGERS.includes(t));
    if (unknown) throw badInput('filter.triggers', `"${unknown}" is not one of ${TRIGGERS.join(', ')}`);
    if (filter.createdAfter && filter.createdBefore && filter.createdAfter >= filter.createdBefore) {
      throw badInput('filter.createdBefore', 'must be later than filter.createdAfter');
    }
    const access = await this.tenantOf(user, tenant);
    const where: Prisma.WorkflowRunWhereInput = {
      workflow: {
        project: { tenantId: access.tenant.id, ...(filter.project ? { name: filter.project } : {}) },
        ...(filter.workflow ? { name: filter.workflow } : {}),
      },
      ...(filter.phases?.length ? { phase: { in: filter.phases } } : {}),
      ...(filter.triggers?.length ? { trigger: { in: filter.triggers as RunTrigger[] } } : {}),
      ...(filter.createdAfter || filter.createdBefore
        ? {
            createdAt: {
              ...(filter.createdAfter ? { gte: filter.createdAfter } : {}),
              ...(filter.createdBefore ? { lt: filter.createdBefore } : {}),
            },
          }
        : {}),
    };
    let after: { createdAt: Date; id: string } | undefined;
    if (args.after) {
      const cursor = decodeCursor(args.after);
      const at = new Date(String(cursor.sort));
      if (Number.isNaN(at.getTime()) || !UUID.test(cursor.id)) {
        throw badInput('after', 'is not a cursor returned by this API');
      }
      after = { createdAt: at, id: cursor.id };
    }
    const [rows, total] = await Promise.all([
      readTenantRunsPage(this.db, {
        tenantId: access.tenant.id,
        ...filter,
        triggers: filter.triggers as RunTrigger[] | null | undefined,
        after,
        take: size + 1,
      }),
      this.db.workflowRun.count({ where }),
    ]);
    return toConnection(
      rows,
      size,
      total,
      (row) => ({ sort: row.createdAt.toISOString(), id: row.id }),
      Boolean(args.after),
    );
  }

  /** Counts, per-day phases and durations of a tenant's runs over the last `days` days. */
  async statistics(
    user: AuthUser,
    tenant: string,
    args: { days: number; utcOffsetMinutes: number; now?: Date },
  ): Promise<RunStatistics> {
    if (!Number.isInteger(args.days) || args.days < 1 || args.days > MAX_STATISTICS_DAYS) {
      throw badInput('days', `must be between 1 and ${MAX_STATISTICS_DAYS}`);
    }
    const offset = args.utcOffsetMinutes;
    if (!Number.isInteger(offset) || offset < MIN_OFFSET || offset > MAX_OFFSET) {
      throw badInput('utcOffsetMinutes', `must be between ${MIN_OFFSET} and ${MAX_OFFSET}`);
    }
    const access = await this.tenantOf(user, tenant);
    const tenantId = access.tenant.id;
    const now = args.now ?? new Date();
    const [projects, workflows, active, days] = await Promise.all([
      this.db.project.count({ where: { tenantId } }),
      this.db.workflow.count({ where: { project: { tenantId } } }),
      this.db.workflowRun.count({ where: { phase: { in: ACTIVE }, workflow: { project: { tenantId } } } }),
      readRunDays(this.db, { tenantId, offsetMinutes: offset, days: windowDays(now, args.days, offset), now }),
    ]);
    const succeeded = days.reduce((sum, d) => sum + d.succeeded, 0);
    const failed = days.reduce((sum, d) => sum + d.failed, 0);
    const runsToday = days.at(-1)?.total ?? 0;
    return {
      projects,
      workflows,
      runsToday,
      activeRuns: active,
      successRate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed),
      days,
    };
  }
}
