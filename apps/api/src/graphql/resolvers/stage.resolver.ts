import { stageDefinitionSchema } from '@cyclone/domain';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Stage } from '../../generated/prisma/client.js';
import type { GraphQLContext } from '../context.js';
import { storedFieldsOf } from '../types/named-object.type.js';
import { ProjectObjectRefInput, ProjectType } from '../types/project.type.js';
import { CreateStageInput, StageObject, UpdateStageInput } from '../types/stage.type.js';
import { crudResolver } from './crud-resolver.js';

export function toStageObject(row: Stage): StageObject {
  const spec = stageDefinitionSchema.parse(row.spec);
  return {
    ...storedFieldsOf(row),
    image: spec.image,
    command: spec.command,
    args: spec.args,
    env: spec.env,
    workingDir: spec.workingDir,
    inputs: spec.inputs,
    outputs: spec.outputs,
    services: spec.services ?? [],
    delegation: spec.delegation,
    template: row.template ?? undefined,
  };
}

@Resolver(() => StageObject)
export class StageResolver extends crudResolver({
  name: 'Stage',
  object: StageObject,
  inputs: { create: CreateStageInput, update: UpdateStageInput, ref: ProjectObjectRefInput },
  descriptions: {
    create: 'Creates a project stage, optionally from a stage template (DEVELOPER or above).',
    delete: 'Deletes a stage; refused with CONFLICT while the current version of a workflow uses it.',
  },
  service: (ctx) => ctx.services.stages,
  present: toStageObject,
  lookup: {
    name: 'stage',
    args: ProjectObjectRefInput,
    get: (ctx, user, { tenant, project, name }) => ctx.services.stages.get(user, tenant, project, name),
  },
}) {}

@Resolver(() => ProjectType)
export class ProjectStagesResolver {
  @FieldResolver(() => [StageObject], { description: 'Stages of the project, by name.' })
  async stages(@Root() project: ProjectType, @Ctx() ctx: GraphQLContext): Promise<StageObject[]> {
    const rows = await ctx.loaders.stagesByProjectId.load(project.id);
    return rows.map(toStageObject);
  }
}
