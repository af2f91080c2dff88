import { checkResourceTypeSpec, type ResourceTypeSpec, resourceTypeSpecSchema } from '@cyclone/domain';
import { z } from 'zod';
import type { Db } from '../../db/prisma.js';
import { badInput, conflict, notFound } from '../../errors/app-error.js';
import type { RegisteredResourceType } from '../../generated/prisma/client.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireTenantRole } from '../shared/access.js';
import type { Tx } from '../shared/mutation.js';
import { tenantObjectMutation } from '../shared/scoped-mutation.js';
import { parseInput } from '../shared/validate-input.js';
import {
  findRegisteredType,
  listRegisteredTypes,
  toResourceTypeSpec,
  upsertResourceType,
} from './resource-types.repository.js';

const refSchema = z.object({ tenant: z.string(), type: z.string() });
const resourceTypeMutation = tenantObjectMutation('ResourceType');

export interface ResourceTypeInputFields {
  tenant: string;
  type: string;
  name?: string | null;
  resolver?: string | null;
  operations?: string[] | null;
  parameters?: { name: string; required?: boolean | null; description?: string | null }[] | null;
  bind?: { integrationType: string; paramBindings: { name: string; value: string }[] } | null;
}

/**
 * Resource types a tenant registers (the original's Resource labelled
 * `resource.cyclone.dev/template: "true"`). Writes need DEVELOPER, as stage templates do;
 * a type in use by resources cannot be deleted.
 */
export class ResourceTypeService {
  constructor(private readonly deps: { db: Db; logger: Logger }) {}

  async list(user: AuthUser, tenant: string): Promise<RegisteredResourceType[]> {
    const access = await requireTenantRole(this.deps.db, user, tenant, 'VIEWER');
    return listRegisteredTypes(this.deps.db, access.tenant.id);
  }

  create(user: AuthUser, input: ResourceTypeInputFields) {
    return this.write(user, input, 'resourceType.create', async (tx, tenantId, ref) => {
      if (await findRegisteredType(tx, tenantId, ref.type)) {
        throw conflict(`resource type "${ref.type}" already exists in tenant "${ref.tenant}"`);
      }
      return checked(toSpecInput(input, undefined));
    });
  }

  update(user: AuthUser, input: ResourceTypeInputFields) {
    return this.write(user, input, 'resourceType.update', async (tx, tenantId, ref) => {
      const row = await findRegisteredType(tx, tenantId, ref.type);
      if (!row) throw notFound(`resource type "${ref.type}" in tenant "${ref.tenant}"`);
      return checked(toSpecInput(input, toResourceTypeSpec(row)));
    });
  }

  delete(user: AuthUser, input: { tenant: string; type: string }) {
    const ref = parseInput(refSchema, input);
    const named = { tenant: ref.tenant, name: ref.type };
    return resourceTypeMutation(this.deps, user, 'resourceType.delete', named, 'DEVELOPER', async (tx, tenantId) => {
      const row = await findRegisteredType(tx, tenantId, ref.type);
      if (!row) throw notFound(`resource type "${ref.type}" in tenant "${ref.tenant}"`);
      const users = await tx.resource.findMany({
        where: { registeredTypeId: row.id },
        select: { name: true, project: { select: { name: true } } },
        orderBy: [{ project: { name: 'asc' } }, { name: 'asc' }],
        take: 5,
      });
      if (users.length > 0) {
        const names = users.map((r) => `${r.project.name}/${r.name}`).join(', ');
        throw conflict(`resource type "${ref.type}" is used by resources ${names}; change or delete those first`);
      }
      await tx.registeredResourceType.delete({ where: { id: row.id } });
      return true;
    });
  }

  private write(
    user: AuthUser,
    input: ResourceTypeInputFields,
    action: string,
    makeSpec: (tx: Tx, tenantId: string, ref: z.infer<typeof refSchema>) => Promise<ResourceTypeSpec>,
  ): Promise<RegisteredResourceType> {
    const ref = parseInput(refSchema, input);
    const named = { tenant: ref.tenant, name: ref.type };
    return resourceTypeMutation(this.deps, user, action, named, 'DEVELOPER', async (tx, tenantId) => {
      const spec = await makeSpec(tx, tenantId, ref);
      const sameName = await tx.registeredResourceType.findUnique({
        where: { tenantId_name: { tenantId, name: spec.name } },
      });
      if (sameName && sameName.type !== spec.type) {
        throw conflict(`the name "${spec.name}" is taken by resource type "${sameName.type}"`);
      }
      await upsertResourceType(tx, tenantId, spec);
      return (await findRegisteredType(tx, tenantId, spec.type)) as RegisteredResourceType;
    });
  }
}

function checked(candidate: Record<string, unknown>): ResourceTypeSpec {
  const spec = parseInput(resourceTypeSpecSchema, candidate);
  const problem = checkResourceTypeSpec(spec)[0];
  if (problem) throw badInput(`input.${problem.path}`, problem.message);
  return spec;
}

/** Input fields over the current spec: omitted keeps; `bind: null` clears. The name defaults to `resource-type-<type>`. */
function toSpecInput(input: ResourceTypeInputFields, current: ResourceTypeSpec | undefined): Record<string, unknown> {
  const bind =
    input.bind === undefined
      ? current?.bind
      : input.bind === null
        ? undefined
        : {
            integrationType: input.bind.integrationType,
            paramBindings: Object.fromEntries(input.bind.paramBindings.map((b) => [b.name, b.value])),
          };
  return {
    name: input.name ?? current?.name ?? `resource-type-${input.type.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`,
    type: input.type,
    resolver: input.resolver ?? current?.resolver,
    operations: input.operations ?? current?.operations ?? [],
    parameters:
      input.parameters?.map((p) => ({
        name: p.name,
        required: p.required ?? false,
        description: p.description ?? '',
      })) ??
      current?.parameters ??
      [],
    bind,
  };
}
