import type { Prisma } from '../../generated/prisma/client.js';
import type { IntegrationType } from '../../generated/prisma/enums.js';
import type { Tx } from '../shared/mutation.js';

export const findIntegration = (tx: Tx, tenantId: string, name: string) =>
  tx.integration.findUnique({ where: { tenantId_name: { tenantId, name } } });

export const listIntegrations = (tx: Tx, tenantId: string, type?: IntegrationType) =>
  tx.integration.findMany({ where: { tenantId, ...(type ? { type } : {}) }, orderBy: { name: 'asc' } });

export const insertIntegration = (tx: Tx, data: Prisma.IntegrationUncheckedCreateInput) =>
  tx.integration.create({ data });

export const updateIntegrationRow = (tx: Tx, id: string, data: Prisma.IntegrationUncheckedUpdateInput) =>
  tx.integration.update({ where: { id }, data });

export const deleteIntegrationRow = (tx: Tx, id: string) => tx.integration.delete({ where: { id } });

/** Who still uses an integration: resources (by relation) and SCM triggers (by name in their spec). */
export async function findIntegrationUsers(tx: Tx, tenantId: string, integrationId: string, name: string) {
  const [resources, triggers] = await Promise.all([
    tx.resource.findMany({
      where: { integrationId },
      select: { name: true, project: { select: { name: true } } },
      orderBy: { name: 'asc' },
      take: 20,
    }),
    tx.workflowTrigger.findMany({
      where: { workflow: { project: { tenantId } }, spec: { path: ['scm', 'integration'], equals: name } },
      select: { name: true, workflow: { select: { name: true, project: { select: { name: true } } } } },
      orderBy: { name: 'asc' },
      take: 20,
    }),
  ]);
  return {
    resources: resources.map((r) => `${r.project.name}/${r.name}`),
    triggers: triggers.map((t) => `${t.workflow.project.name}/${t.workflow.name}/${t.name}`),
  };
}
