import type { Tx } from '../shared/mutation.js';

/** A template the tenant may use: its own, or a built-in one. */
export async function findUsableTemplate(tx: Tx, tenantId: string, name: string) {
  const rows = await tx.stageTemplate.findMany({
    where: { name, OR: [{ tenantId }, { tenantId: null, isBuiltin: true }] },
  });
  return rows.find((r) => r.tenantId === tenantId) ?? rows[0];
}

export const listUsableTemplates = (tx: Tx, tenantId: string) =>
  tx.stageTemplate.findMany({
    where: { OR: [{ tenantId }, { tenantId: null, isBuiltin: true }] },
    orderBy: [{ isBuiltin: 'desc' }, { name: 'asc' }],
  });

export const findBuiltinTemplate = (tx: Tx, name: string) =>
  tx.stageTemplate.findFirst({ where: { tenantId: null, isBuiltin: true, name } });

export const findTenantTemplate = (tx: Tx, tenantId: string, name: string) =>
  tx.stageTemplate.findUnique({ where: { tenantId_name: { tenantId, name } } });
