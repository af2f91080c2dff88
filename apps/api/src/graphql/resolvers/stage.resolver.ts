import { stageDefinitionSchema } from '@cyclone/domain';
import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Stage } from '../../generated/prisma/client.js';
import type { AuthUser } from '../../modules/identity/identity.service.js';
import type { GraphQLContext } from '../context.js';
import { ProjectObjectRefInput, ProjectType } from '../types/project.type.js';
import { CreateStageInput, StageObject, UpdateStageInput } from '../types/stage.type.js';

export function toStageObject(row: Stage): StageObject {
  const spec = stageDefinitionSchema.parse(row.spec);
  return {
    id: row.id,
    name: row.name,
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
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

@Resolver(() => StageObject)
export class StageResolver {
  @Authorized()
  @Query(() => StageObject, { nullable: true })
  async stage(
    @Arg('tenant', () => String) tenant: string,
    @Arg('project', () => String) project: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<StageObject | null> {
    const row = await ctx.services.stages.get(ctx.user as AuthUser, tenant, project, name);
    return row ? toStageObject(row) : null;
  }

  @Authorized()
  @Mutation(() => StageObject, {
    description: 'Creates a project stage, optionally from a stage template (DEVELOPER or above).',
  })
  async createStage(
    @Arg('input', () => CreateStageInput) input: CreateStageInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<StageObject> {
    return toStageObject(await ctx.services.stages.create(ctx.user as AuthUser, input));
  }

  @Authorized()
  @Mutation(() => StageObject)
  async updateStage(
    @Arg('input', () => UpdateStageInput) input: UpdateStageInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<StageObject> {
    return toStageObject(await ctx.services.stages.update(ctx.user as AuthUser, input));
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Deletes a stage; refused with CONFLICT while the current version of a workflow uses it.',
  })
  deleteStage(
    @Arg('input', () => ProjectObjectRefInput) input: ProjectObjectRefInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    return ctx.services.stages.delete(ctx.user as AuthUser, input);
  }
}

@Resolver(() => ProjectType)
export class ProjectStagesResolver {
  @FieldResolver(() => [StageObject], { description: 'Stages of the project, by name.' })
  async stages(@Root() project: ProjectType, @Ctx() ctx: GraphQLContext): Promise<StageObject[]> {
    const rows = await ctx.loaders.stagesByProjectId.load(project.id);
    return rows.map(toStageObject);
  }
}
