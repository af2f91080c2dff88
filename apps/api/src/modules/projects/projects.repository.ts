import type { Tx } from '../shared/mutation.js';

/** The only Prisma caller for projects. Writes take the mutation's `tx`. */
export const projectsRepository = {
  create: (tx: Tx, data: { tenantId: string; name: string; description: string; createdById: string }) =>
    tx.project.create({ data }),

  findByName: (tx: Tx, tenantId: string, name: string) =>
    tx.project.findUnique({ where: { tenantId_name: { tenantId, name } } }),

  findById: (tx: Tx, id: string) => tx.project.findUnique({ where: { id } }),

  updateDescription: (tx: Tx, id: string, description: string) =>
    tx.project.update({ where: { id }, data: { description } }),

  /** Blocks new workflows in the project until the deleting transaction ends. */
  lock: (tx: Tx, id: string) => tx.$queryRaw`SELECT 1 FROM projects WHERE id = ${id}::uuid FOR UPDATE`,

  delete: (tx: Tx, id: string) => tx.project.delete({ where: { id } }),
};
