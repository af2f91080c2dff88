import type { Db } from '../../db/prisma.js';
import { conflict } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireProject, requireTenantRole } from '../shared/access.js';
import { runMutation } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { assertNoActiveRuns } from './active-runs.js';
import { createProjectSchema, updateProjectSchema } from './projects.inputs.js';
import { projectsRepository as repo } from './projects.repository.js';

export interface ProjectRow {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  createdById: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Projects of a tenant: DEVELOPERs create and edit them, ADMINs delete them. */
export class ProjectsService {
  constructor(private readonly deps: { db: Db; logger: Logger }) {}

  create(actor: AuthUser, input: { tenant: string; name: string; description?: string | null }) {
    const subject = { action: 'project.create', objectType: 'Project', objectName: String(input.name) };
    return runMutation(this.deps, actor, subject, async (tx, audited): Promise<ProjectRow> => {
      const parsed = parseInput(createProjectSchema, input);
      const { tenant } = await requireTenantRole(tx, actor, parsed.tenant, 'DEVELOPER');
      audited.tenantId = tenant.id;
      if (await repo.findByName(tx, tenant.id, parsed.name)) {
        throw conflict(`project "${parsed.name}" already exists in tenant "${tenant.name}"`);
      }
      return repo.create(tx, {
        tenantId: tenant.id,
        name: parsed.name,
        description: parsed.description ?? '',
        createdById: actor.id,
      });
    });
  }

  update(actor: AuthUser, input: { tenant: string; name: string; description?: string | null }) {
    const subject = { action: 'project.update', objectType: 'Project', objectName: String(input.name) };
    return runMutation(this.deps, actor, subject, async (tx, audited): Promise<ProjectRow> => {
      const parsed = parseInput(updateProjectSchema, input);
      const { tenant, project } = await requireProject(tx, actor, parsed.tenant, parsed.name, 'DEVELOPER');
      audited.tenantId = tenant.id;
      if (parsed.description == null) return (await repo.findById(tx, project.id)) as ProjectRow;
      return repo.updateDescription(tx, project.id, parsed.description);
    });
  }

  /**
   * Deletes the project with its workflows, resources and stages. Refused (CONFLICT,
   * naming the runs) while any run of its workflows is PENDING, RUNNING or WAITING.
   */
  delete(actor: AuthUser, input: { tenant: string; name: string }): Promise<boolean> {
    const subject = { action: 'project.delete', objectType: 'Project', objectName: String(input.name) };
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const { tenant, project } = await requireProject(tx, actor, input.tenant, input.name, 'ADMIN');
      audited.tenantId = tenant.id;
      await repo.lock(tx, project.id);
      await assertNoActiveRuns(tx, { projectId: project.id }, `project "${project.name}"`);
      await repo.delete(tx, project.id);
      return true;
    });
  }
}
