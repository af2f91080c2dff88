import { isResourceSlot, stageTemplateSpecSchema } from '@cyclone/domain';
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { StageTemplate } from '../../generated/prisma/client.js';
import type { AuthUser } from '../../modules/identity/identity.service.js';
import type { GraphQLContext } from '../context.js';
import { NameValueInput } from '../types/name-value.type.js';
import {
  CreateStageTemplateInput,
  StageTemplateObject,
  StageTemplateRefInput,
  UpdateStageTemplateInput,
} from '../types/stage-template.type.js';

export function toStageTemplateObject(row: StageTemplate): StageTemplateObject {
  const spec = stageTemplateSpecSchema.parse(row.spec);
  const named = <T extends object>(items: T[]) =>
    items.filter((r) => !isResourceSlot(r)) as Exclude<T, { type: unknown }>[];
  const slots = <T extends object>(items: T[]) =>
    items.filter((r) => isResourceSlot(r)) as Extract<T, { type: unknown }>[];
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    description: row.description,
    isBuiltin: row.isBuiltin,
    arguments: spec.inputs.arguments,
    image: spec.image,
    command: spec.command,
    args: spec.args,
    env: spec.env,
    workingDir: spec.workingDir,
    inputs: { ...spec.inputs, resources: named(spec.inputs.resources), arguments: [] },
    outputs: { ...spec.outputs, resources: named(spec.outputs.resources) },
    inputSlots: slots(spec.inputs.resources),
    outputSlots: slots(spec.outputs.resources),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

@Resolver(() => StageTemplateObject)
export class StageTemplateResolver {
  @Authorized()
  @Query(() => [StageTemplateObject], { description: "The built-in templates, then the tenant's own, by name." })
  async stageTemplates(
    @Arg('tenant', () => String) tenant: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<StageTemplateObject[]> {
    const rows = await ctx.services.templates.list(ctx.user as AuthUser, tenant);
    return rows.map(toStageTemplateObject);
  }

  @Authorized()
  @Query(() => StageTemplateObject, { nullable: true })
  async stageTemplate(
    @Arg('tenant', () => String) tenant: string,
    @Arg('name', () => String) name: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<StageTemplateObject | null> {
    const row = await ctx.services.templates.get(ctx.user as AuthUser, tenant, name);
    return row ? toStageTemplateObject(row) : null;
  }

  @Authorized()
  @Query(() => StageTemplateObject, {
    description:
      'The template filled with arguments as createStage would fill it (arguments from integrations included), without writing anything: what a new stage made from it runs. Its arguments list is empty.',
  })
  async filledStageTemplate(
    @Arg('tenant', () => String) tenant: string,
    @Arg('name', () => String) name: string,
    @Arg('arguments', () => [NameValueInput], { nullable: true }) args: NameValueInput[] | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<StageTemplateObject> {
    return toStageTemplateObject(await ctx.services.templates.fill(ctx.user as AuthUser, tenant, name, args ?? []));
  }

  @Authorized()
  @Mutation(() => StageTemplateObject, { description: 'Creates a stage template of the tenant (DEVELOPER or above).' })
  async createStageTemplate(
    @Arg('input', () => CreateStageTemplateInput) input: CreateStageTemplateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<StageTemplateObject> {
    return toStageTemplateObject(await ctx.services.templates.create(ctx.user as AuthUser, input));
  }

  @Authorized()
  @Mutation(() => StageTemplateObject, { description: 'Changes a tenant template; built-ins are read-only.' })
  async updateStageTemplate(
    @Arg('input', () => UpdateStageTemplateInput) input: UpdateStageTemplateInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<StageTemplateObject> {
    return toStageTemplateObject(await ctx.services.templates.update(ctx.user as AuthUser, input));
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Deletes a tenant template; built-ins are read-only.' })
  deleteStageTemplate(
    @Arg('input', () => StageTemplateRefInput) input: StageTemplateRefInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    return ctx.services.templates.delete(ctx.user as AuthUser, input);
  }
}
