import { type ResourceTypeSpec, resourceTypeSpecSchema } from '@cyclone/domain';
import { Prisma, type RegisteredResourceType } from '../../generated/prisma/client.js';
import { stableJson, type UpsertOutcome } from '../resources/resources.repository.js';
import type { Tx } from '../shared/mutation.js';

/** The tenant's registered type of this name (what its resources give as `spec.type`). */
export function findRegisteredType(tx: Tx, tenantId: string, type: string): Promise<RegisteredResourceType | null> {
  return tx.registeredResourceType.findUnique({ where: { tenantId_type: { tenantId, type } } });
}

export function listRegisteredTypes(tx: Tx, tenantId: string): Promise<RegisteredResourceType[]> {
  return tx.registeredResourceType.findMany({ where: { tenantId }, orderBy: { type: 'asc' } });
}

export function toResourceTypeSpec(row: RegisteredResourceType): ResourceTypeSpec {
  return resourceTypeSpecSchema.parse({
    name: row.name,
    type: row.type,
    resolver: row.resolver,
    operations: row.operations,
    parameters: row.parameters,
    bind: row.bind ?? undefined,
  });
}

/**
 * Creates or updates a resource type of the tenant inside the caller's transaction,
 * keyed by its `type` (the original looked types up by it). A document of another
 * `metadata.name` for the same type renames it.
 */
export async function upsertResourceType(tx: Tx, tenantId: string, spec: ResourceTypeSpec): Promise<UpsertOutcome> {
  const existing = await findRegisteredType(tx, tenantId, spec.type);
  const data = {
    name: spec.name,
    resolver: spec.resolver,
    operations: [...spec.operations],
    parameters: spec.parameters as Prisma.InputJsonArray,
    bind: (spec.bind ?? null) as Prisma.InputJsonObject | null,
  };
  if (!existing) {
    await tx.registeredResourceType.create({
      data: { ...data, bind: data.bind ?? undefined, tenantId, type: spec.type },
    });
    return 'CREATED';
  }
  if (stableJson(toResourceTypeSpec(existing)) === stableJson(spec)) return 'UNCHANGED';
  await tx.registeredResourceType.update({
    where: { id: existing.id },
    data: { ...data, bind: data.bind ?? Prisma.DbNull },
  });
  return 'UPDATED';
}
