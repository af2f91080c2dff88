import type { Db } from '../../db/prisma.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireProject } from '../shared/access.js';
import { projectsRepository } from './projects.repository.js';
import type { ProjectRow } from './projects.service.js';

/** Reads of projects, scoped by the caller's memberships. */
export class ProjectsPresenter {
  constructor(private readonly db: Db) {}

  /** NOT_FOUND for a missing project and for any project of a tenant the caller is not in. */
  async getProject(user: AuthUser, tenantName: string, projectName: string): Promise<ProjectRow> {
    const { project } = await requireProject(this.db, user, tenantName, projectName, 'VIEWER');
    return (await projectsRepository.findById(this.db, project.id)) as ProjectRow;
  }
}
