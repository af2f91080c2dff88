import { BUILTIN_RESOURCE_TYPES, resourceTypeBindSchema, resourceTypeParameterSchema } from '@cyclone/domain';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { z } from 'zod';
import type { RegisteredResourceType } from '../../generated/prisma/client.js';
import type { AuthUser } from '../../modules/identity/identity.service.js';
import type { GraphQLContext } from '../context.js';
import {
  ResourceResolvedBy,
  ResourceTypeDefinitionType,
  ResourceTypeInput,
  ResourceTypeRefInput,
} from '../types/resource-type-definition.type.js';

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
export class ResourceTypeResolver {
  @Authorized()
  @Query(() => [ResourceTypeDefinitionType], {
    description: "The resource types the tenant's resources may have: the built-ins, then the ones it registered.",
  })
  async resourceTypes(
    @Arg('tenant', () => String) tenant: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ResourceTypeDefinitionType[]> {
    const rows = await ctx.services.resourceTypes.list(ctx.user as AuthUser, tenant);
    return [...BUILTINS, ...rows.map(toDefinition)];
  }

  @Authorized()
  @Mutation(() => ResourceTypeDefinitionType, {
    description: 'Registers a resource type of a tenant (DEVELOPER or above).',
  })
  async createResourceType(
    @Arg('input', () => ResourceTypeInput) input: ResourceTypeInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ResourceTypeDefinitionType> {
    return toDefinition(await ctx.services.resourceTypes.create(ctx.user as AuthUser, input));
  }

  @Authorized()
  @Mutation(() => ResourceTypeDefinitionType)
  async updateResourceType(
    @Arg('input', () => ResourceTypeInput) input: ResourceTypeInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ResourceTypeDefinitionType> {
    return toDefinition(await ctx.services.resourceTypes.update(ctx.user as AuthUser, input));
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Deletes a registered resource type; refused with CONFLICT while resources have it.',
  })
  deleteResourceType(
    @Arg('input', () => ResourceTypeRefInput) input: ResourceTypeRefInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    return ctx.services.resourceTypes.delete(ctx.user as AuthUser, input);
  }
}
