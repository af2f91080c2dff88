import { BUILTIN_RESOURCE_TYPES, resourceTypeBindSchema, resourceTypeParameterSchema } from '@cyclone/domain';
import { Arg, Authorized, Query, Resolver } from 'type-graphql';
import { z } from 'zod';
import type { RegisteredResourceType } from '../../generated/prisma/client.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import {
  ResourceResolvedBy,
  ResourceTypeDefinitionType,
  ResourceTypeInput,
  ResourceTypeRefInput,
} from '../types/resource-type-definition.type.js';
import { crudMutations } from './crud-resolver.js';

const BUILTINS: ResourceTypeDefinitionType[] = BUILTIN_RESOURCE_TYPES.map((t) => ({
  type: t.type,
  builtin: true,
  description: t.description,
  resolvedBy: ResourceResolvedBy[t.resolvedBy],
  operations: [...t.operations],
  parameters: t.parameters.map((p) => ({ ...p })),
}));

function toDefinition(row: RegisteredResourceType): ResourceTypeDefinitionType {
  const bind = row.bind ? resourceTypeBindSchema.parse(row.bind) : undefined;
  return {
    type: row.type,
    builtin: false,
    name: row.name,
    description: '',
    resolvedBy: ResourceResolvedBy.RESOLVER_IMAGE,
    resolver: row.resolver,
    operations: row.operations,
    parameters: z.array(resourceTypeParameterSchema).parse(row.parameters),
    bind: bind && {
      integrationType: bind.integrationType,
      paramBindings: Object.entries(bind.paramBindings).map(([name, value]) => ({ name, value })),
    },
  };
}

@Resolver(() => ResourceTypeDefinitionType)
export class ResourceTypeResolver extends crudMutations({
  name: 'ResourceType',
  object: ResourceTypeDefinitionType,
  inputs: { create: ResourceTypeInput, update: ResourceTypeInput, ref: ResourceTypeRefInput },
  descriptions: {
    create: 'Registers a resource type of a tenant (DEVELOPER or above).',
    delete: 'Deletes a registered resource type; refused with CONFLICT while resources have it.',
  },
  service: (ctx) => ctx.services.resourceTypes,
  present: toDefinition,
}) {
  @Authorized()
  @Query(() => [ResourceTypeDefinitionType], {
    description: "The resource types the tenant's resources may have: the built-ins, then the ones it registered.",
  })
  async resourceTypes(
    @Arg('tenant', () => String) tenant: string,
    @SignedIn() ctx: SignedInContext,
  ): Promise<ResourceTypeDefinitionType[]> {
    const rows = await ctx.services.resourceTypes.list(ctx.user, tenant);
    return [...BUILTINS, ...rows.map(toDefinition)];
  }
}
