import { isSecretResourceParameter } from '@cyclone/domain';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Resource } from '../../generated/prisma/client.js';
import type { GraphQLContext } from '../context.js';
import { storedFieldsOf } from '../types/named-object.type.js';
import { ProjectObjectRefInput, ProjectType } from '../types/project.type.js';
import {
  CreateResourceInput,
  ResourceObject,
  type ResourcePersistence,
  UpdateResourceInput,
} from '../types/resource.type.js';
import { crudResolver } from './crud-resolver.js';

type ResourceRow = Resource & { integration: { name: string } | null; registeredType: { type: string } | null };

export function toResourceObject(row: ResourceRow): ResourceObject {
  const parameters = row.parameters as { name: string; value: string }[];
  return {
    ...storedFieldsOf(row),
    type: row.type,
    registeredType: row.registeredType?.type,
    parameters,
    secretParameters: parameters.filter((p) => isSecretResourceParameter(p.name)).map((p) => p.name),
    resolver: row.resolver ?? undefined,
    persistent: (row.persistent as ResourcePersistence | null) ?? undefined,
    integration: row.integration?.name,
  };
}

@Resolver(() => ResourceObject)
export class ResourceResolver extends crudResolver({
  name: 'Resource',
  object: ResourceObject,
  inputs: { create: CreateResourceInput, update: UpdateResourceInput, ref: ProjectObjectRefInput },
  descriptions: {
    create: 'Creates a resource of a project (DEVELOPER or above).',
    delete: 'Deletes a resource; refused with CONFLICT while a stage or workflow uses it.',
  },
  service: (ctx) => ctx.services.resources,
  present: toResourceObject,
  lookup: {
    name: 'resource',
    args: ProjectObjectRefInput,
    get: (ctx, user, { tenant, project, name }) => ctx.services.resources.get(user, tenant, project, name),
  },
}) {}

@Resolver(() => ProjectType)
export class ProjectResourcesResolver {
  @FieldResolver(() => [ResourceObject], { description: 'Resources of the project, by name.' })
  async resources(@Root() project: ProjectType, @Ctx() ctx: GraphQLContext): Promise<ResourceObject[]> {
    const rows = await ctx.loaders.resourcesByProjectId.load(project.id);
    return rows.map(toResourceObject);
  }
}
