import type { Db } from '../../db/prisma.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Logger } from '../../logging/logger.js';
import { stableJson } from '../resources/resources.repository.js';
import { BUILTIN_TEMPLATES, type BuiltinTemplate } from './builtin-templates.js';

// Any constant: serialises concurrent boots so built-ins are never inserted twice
// (a unique index does not stop that, since NULL tenant ids are all distinct).
const SEED_LOCK = 0x5c1c_7e3a;

/**
 * Makes the built-in templates in the database match the code: inserts missing
 * ones, updates changed ones, leaves identical ones untouched (so a restart changes
 * nothing). Run at every boot.
 */
export async function seedBuiltinTemplates(
  db: Db,
  logger: Logger,
  templates: readonly BuiltinTemplate[] = BUILTIN_TEMPLATES,
): Promise<{ created: number; updated: number }> {
  const counts = { created: 0, updated: 0 };
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK})`;
    const existing = await tx.stageTemplate.findMany({ where: { tenantId: null, isBuiltin: true } });
    for (const template of templates) {
      const data = {
        kind: template.kind,
        description: template.description,
        spec: template.spec as Prisma.InputJsonObject,
      };
      const row = existing.find((r) => r.name === template.name);
      if (!row) {
        await tx.stageTemplate.create({ data: { ...data, name: template.name, tenantId: null, isBuiltin: true } });
        counts.created += 1;
      } else if (
        row.kind !== data.kind ||
        row.description !== data.description ||
        stableJson(row.spec) !== stableJson(data.spec)
      ) {
        await tx.stageTemplate.update({ where: { id: row.id }, data });
        counts.updated += 1;
      }
    }
  });
  if (counts.created + counts.updated > 0) logger.info(counts, 'seeded the built-in stage templates');
  return counts;
}
