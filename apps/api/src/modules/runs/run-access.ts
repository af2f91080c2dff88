import { forbidden, notFound } from '../../errors/app-error.js';
import type { TenantRole } from '../../generated/prisma/enums.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { Tx } from '../shared/mutation.js';
import { hasRole } from '../shared/roles.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Finds a run the caller may act on with `required`. Unknown ids, malformed ids and
 * runs of tenants the caller is not a member of are all NOT_FOUND, so ids cannot
 * be probed.
 */
export async function requireRun(tx: Tx, user: AuthUser, id: string, required: TenantRole) {
  const run = UUID.test(id)
    ? await tx.workflowRun.findUnique({
        where: { id },
        include: {
          workflow: {
            select: {
              name: true,
              project: {
                select: {
                  tenant: {
                    select: {
                      id: true,
                      name: true,
                      memberships: { where: { userId: user.id }, select: { role: true } },
                    },
                  },
                },
              },
            },
          },
        },
      })
    : null;
  const tenant = run?.workflow.project.tenant;
  const role: TenantRole | undefined = user.isAdmin ? 'OWNER' : tenant?.memberships[0]?.role;
  if (!run || !tenant || !role) throw notFound(`workflow run "${id}"`);
  if (!hasRole(role, required)) {
    throw forbidden(`this needs the ${required} role in tenant "${tenant.name}"; you are ${role}`);
  }
  return { run, tenantId: tenant.id, workflowName: run.workflow.name, role };
}
