import type { PlainSql } from '../../db/plain-sql.js';
import type { Db } from '../../db/prisma.js';
import { notFound } from '../../errors/app-error.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { RunPhase } from '../../generated/prisma/enums.js';
import type { AuthUser } from '../identity/identity.service.js';
import { exportWorkflowYaml } from '../manifests/workflow-export.js';
import { requireProject } from '../shared/access.js';
import { type ConnectionShape, decodeCursor, pageSize, toConnection, withLazyTotal } from '../shared/pagination.js';
import type { RunRow, WorkflowRow } from './workflows.repository.js';

export type WorkflowOrderField = 'NAME' | 'CREATED_AT' | 'UPDATED_AT';
export type OrderDirection = 'ASC' | 'DESC';

const COLUMN = { NAME: 'name', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' } as const;

/** Reads of workflows and their runs, scoped by the caller's memberships. */
export class WorkflowsPresenter {
  constructor(
    private readonly db: Db,
    /** Plain pg for the first page of a project's workflows, what lists ask for most. */
    private readonly sql: PlainSql,
  ) {}

  /** NOT_FOUND for a missing workflow and for any workflow of a tenant the caller is not in. */
  async getWorkflow(user: AuthUser, tenant: string, project: string, name: string): Promise<WorkflowRow> {
    const access = await requireProject(this.db, user, tenant, project, 'VIEWER');
    const row = await this.db.workflow.findUnique({
      where: { projectId_name: { projectId: access.project.id, name } },
    });
    if (!row) throw notFound(`workflow "${name}" in project "${project}"`);
    return row;
  }

  /** The workflow as multi-document Cyclone YAML. */
  exportYaml(workflow: WorkflowRow): Promise<string> {
    return exportWorkflowYaml(this.db, workflow);
  }

  /** A page of a project's workflows; the caller has already been allowed to see the project. */
  async workflowsConnection(
    projectId: string,
    args: {
      first?: number;
      after?: string;
      nameContains?: string;
      orderBy?: { field: WorkflowOrderField; direction: OrderDirection };
    },
  ): Promise<ConnectionShape<WorkflowRow>> {
    const size = pageSize(args.first);
    const field = COLUMN[args.orderBy?.field ?? 'NAME'];
    const direction = args.orderBy?.direction === 'DESC' ? 'desc' : 'asc';
    const where: Prisma.WorkflowWhereInput = {
      projectId,
      ...(args.nameContains ? { name: { contains: args.nameContains, mode: 'insensitive' } } : {}),
    };
    const page: Prisma.WorkflowWhereInput = { ...where };
    if (args.after) {
      const cursor = decodeCursor(args.after);
      const value = field === 'name' ? String(cursor.sort) : new Date(cursor.sort);
      const beyond = direction === 'asc' ? 'gt' : 'lt';
      page.OR = [{ [field]: { [beyond]: value } }, { [field]: value, id: { [beyond]: cursor.id } }];
    }
    const rows =
      args.after || args.nameContains
        ? await this.db.workflow.findMany({
            where: page,
            orderBy: [{ [field]: direction }, { id: direction }],
            take: size + 1,
          })
        : await this.firstPage(projectId, field, direction, size + 1);
    const sortOf = (row: WorkflowRow) => (field === 'name' ? row.name : row[field].toISOString());
    const connection = toConnection(rows, size, 0, (row) => ({ sort: sortOf(row), id: row.id }), Boolean(args.after));
    return withLazyTotal(connection, () => this.db.workflow.count({ where }));
  }

  /**
   * The unfiltered first page (what lists ask for most) in plain SQL, the same rows and
   * order as the findMany above: it skips Prisma on the hot path.
   */
  private firstPage(
    projectId: string,
    field: (typeof COLUMN)[WorkflowOrderField],
    direction: 'asc' | 'desc',
    limit: number,
  ): Promise<WorkflowRow[]> {
    const column = { name: 'name', createdAt: 'created_at', updatedAt: 'updated_at' }[field];
    const order = direction === 'desc' ? 'DESC' : 'ASC';
    return this.sql.rows<WorkflowRow>(
      `SELECT id, project_id AS "projectId", name, description, current_version AS "currentVersion",
              max_concurrent_runs AS "maxConcurrentRuns", run_retention AS "runRetention",
              execution_cluster AS "executionCluster", created_by_id AS "createdById", created_at AS "createdAt", updated_at AS "updatedAt"
       FROM workflows WHERE project_id = $1::uuid
       ORDER BY ${column} ${order}, id ${order} LIMIT $2`,
      [projectId, limit],
    );
  }

  /** A page of a workflow's runs, newest first, optionally only some phases. */
  async runsConnection(
    workflowId: string,
    args: { first?: number; after?: string; phases?: RunPhase[] },
  ): Promise<ConnectionShape<RunRow>> {
    const size = pageSize(args.first);
    const where: Prisma.WorkflowRunWhereInput = {
      workflowId,
      ...(args.phases && args.phases.length > 0 ? { phase: { in: args.phases } } : {}),
    };
    const page: Prisma.WorkflowRunWhereInput = { ...where };
    if (args.after) {
      const cursor = decodeCursor(args.after);
      page.number = { lt: Number(cursor.sort) };
    }
    const rows = await this.db.workflowRun.findMany({ where: page, orderBy: { number: 'desc' }, take: size + 1 });
    const connection = toConnection(rows, size, 0, (row) => ({ sort: row.number, id: row.id }), Boolean(args.after));
    return withLazyTotal(connection, () => this.db.workflowRun.count({ where }));
  }
}
