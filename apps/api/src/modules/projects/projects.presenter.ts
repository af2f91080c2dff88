import type { PlainSql } from '../../db/plain-sql.js';
import { forbidden, notFound } from '../../errors/app-error.js';
import type { TenantRole } from '../../generated/prisma/enums.js';
import type { AuthUser } from '../identity/identity.service.js';
import { hasRole } from '../shared/roles.js';
import type { ProjectRow } from './projects.service.js';

/** Reads of projects, scoped by the caller's memberships. */
export class ProjectsPresenter {
  constructor(private readonly sql: PlainSql) {}

  /** NOT_FOUND for a missing project and for any project of a tenant the caller is not in. */
  async getProject(user: AuthUser, tenantName: string, projectName: string): Promise<ProjectRow> {
    // One statement instead of requireProject + a reload (every project-scoped query starts here);
    // the same answers: the tenant not found for non-members, then the project not found.
    // Plain pg: it is the first read of every project page (see PlainSql).
    const [found] = await this.sql.rows<Partial<ProjectRow> & { tenantId: string; role: TenantRole | null }>(
      `SELECT t.id AS "tenantId", m.role::text AS role, p.id, p.name, p.description,
              p.created_by_id AS "createdById", p.created_at AS "createdAt", p.updated_at AS "updatedAt"
       FROM tenants t
       LEFT JOIN memberships m ON m.tenant_id = t.id AND m.user_id = $1::uuid
       LEFT JOIN projects p ON p.tenant_id = t.id AND p.name = $2
       WHERE t.name = $3`,
      [user.id, projectName, tenantName],
    );
    const role: TenantRole | null | undefined = user.isAdmin ? 'OWNER' : found?.role;
    if (!found || !role) throw notFound(`tenant "${tenantName}"`);
    if (!hasRole(role, 'VIEWER'))
      throw forbidden(`this needs the VIEWER role in tenant "${tenantName}"; you are ${role}`);
    if (!found.id) throw notFound(`project "${projectName}" in tenant "${tenantName}"`);
    const { role: _role, ...project } = found;
    return project as ProjectRow;
  }
}
