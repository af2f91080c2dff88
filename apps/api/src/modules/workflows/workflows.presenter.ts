import type { Db } from '../../db/prisma.js';
import { notFound } from '../../errors/app-error.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { RunPhase } from '../../generated/prisma/enums.js';
import { type ConnectionShape, decodeCursor, pageSize, toConnection } from '../../graphql/relay.js';
import type { AuthUser } from '../identity/identity.service.js';
import { exportWorkflowYaml } from '../manifests/workflow-export.js';
import { requireProject } from '../shared/access.js';
import type { RunRow, WorkflowRow } from './workflows.repository.js';

export type WorkflowOrderField = 'NAME' | 'CREATED_AT' | 'UPDATED_AT';
export type OrderDirection = 'ASC' | 'DESC';

const COLUMN = { NAME: 'name', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' } as const;

/** Reads of workflows and their runs, scoped by the caller's memberships. */
export class WorkflowsPresenter {
  constructor(private readonly db: Db) {}

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
    const [rows, total] = await Promise.all([
      this.db.workflow.findMany({
        where: page,
        orderBy: [{ [field]: direction }, { id: direction }],
        take: size + 1,
      }),
      this.db.workflow.count({ where }),
    ]);
    const sortOf = (row: WorkflowRow) => (field === 'name' ? row.name : row[field].toISOString());
    return toConnection(rows, size, total, (row) => ({ sort: sortOf(row), id: row.id }), Boolean(args.after));
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
    const [rows, total] = await Promise.all([
      this.db.workflowRun.findMany({ where: page, orderBy: { number: 'desc' }, take: size + 1 }),
      this.db.workflowRun.count({ where }),
    ]);
    return toConnection(rows, size, total, (row) => ({ sort: row.number, id: row.id }), Boolean(args.after));
  }
}
