import { isSecretResourceParameter } from '@cyclone/domain';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Resource } from '../../generated/prisma/client.js';
import type { AuthUser } from '../../modules/identity/identity.service.js';
import type { GraphQLContext } from '../context.js';
import { ProjectObjectRefInput, ProjectType } from '../types/project.type.js';
import {
  CreateResourceInput,
  ResourceObject,
  type ResourcePersistence,
  UpdateResourceInput,
} from '../types/resource.type.js';

type ResourceRow = Resource & { integration: { name: string } | null; registeredType: { type: string } | null };

export function toResourceObject(row: ResourceRow): ResourceObject {
  const parameters = row.parameters as { name: string; value: string }[];
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    registeredType: row.registeredType?.type,
    parameters,
    secretParameters: parameters.filter((p) => isSecretResourceParameter(p.name)).map((p) => p.name),
    resolver: row.resolver ?? undefined,
    persistent: (row.persistent as ResourcePersistence | null) ?? undefined,
    integration: row.integration?.name,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

@Resolver(() => ResourceObject)
export class ResourceResolver {
  @Authorized()
  @Query(() => ResourceObject, { nullable: true })
  async resource(
    @Arg('tenant', () => String) tenant: string,
    @Arg('project', () => String) project: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ResourceObject | null> {
    const row = await ctx.services.resources.get(ctx.user as AuthUser, tenant, project, name);
    return row ? toResourceObject(row) : null;
  }

  @Authorized()
  @Mutation(() => ResourceObject, { description: 'Creates a resource of a project (DEVELOPER or above).' })
  async createResource(
    @Arg('input', () => CreateResourceInput) input: CreateResourceInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ResourceObject> {
    return toResourceObject(await ctx.services.resources.create(ctx.user as AuthUser, input));
  }

  @Authorized()
  @Mutation(() => ResourceObject)
  async updateResource(
    @Arg('input', () => UpdateResourceInput) input: UpdateResourceInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ResourceObject> {
    return toResourceObject(await ctx.services.resources.update(ctx.user as AuthUser, input));
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Deletes a resource; refused with CONFLICT while a stage or workflow uses it.',
  })
  deleteResource(
    @Arg('input', () => ProjectObjectRefInput) input: ProjectObjectRefInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    return ctx.services.resources.delete(ctx.user as AuthUser, input);
  }
}

@Resolver(() => ProjectType)
export class ProjectResourcesResolver {
  @FieldResolver(() => [ResourceObject], { description: 'Resources of the project, by name.' })
  async resources(@Root() project: ProjectType, @Ctx() ctx: GraphQLContext): Promise<ResourceObject[]> {
    const rows = await ctx.loaders.resourcesByProjectId.load(project.id);
    return rows.map(toResourceObject);
  }
}
