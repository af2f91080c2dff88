import { isResourceSlot, stageTemplateSpecSchema } from '@cyclone/domain';
import { Arg, Args, Authorized, Query, Resolver } from 'type-graphql';
import type { StageTemplate } from '../../generated/prisma/client.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { NameValueInput } from '../types/name-value.type.js';
import { storedFieldsOf } from '../types/named-object.type.js';
import { TenantObjectRefFields, TenantScopeInput } from '../types/scope.type.js';
import {
  CreateStageTemplateInput,
  StageTemplateObject,
  StageTemplateRefInput,
  UpdateStageTemplateInput,
} from '../types/stage-template.type.js';
import { crudResolver } from './crud-resolver.js';

export function toStageTemplateObject(row: StageTemplate): StageTemplateObject {
  const spec = stageTemplateSpecSchema.parse(row.spec);
  const named = <T extends object>(items: T[]) =>
    items.filter((r) => !isResourceSlot(r)) as Exclude<T, { type: unknown }>[];
  const slots = <T extends object>(items: T[]) =>
    items.filter((r) => isResourceSlot(r)) as Extract<T, { type: unknown }>[];
  return {
    ...storedFieldsOf(row),
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
  };
}

@Resolver(() => StageTemplateObject)
export class StageTemplateResolver extends crudResolver({
  name: 'StageTemplate',
  object: StageTemplateObject,
  inputs: { create: CreateStageTemplateInput, update: UpdateStageTemplateInput, ref: StageTemplateRefInput },
  descriptions: {
    create: 'Creates a stage template of the tenant (DEVELOPER or above).',
    update: 'Changes a tenant template; built-ins are read-only.',
    delete: 'Deletes a tenant template; built-ins are read-only.',
  },
  service: (ctx) => ctx.services.templates,
  present: toStageTemplateObject,
  lookup: {
    name: 'stageTemplate',
    args: TenantObjectRefFields,
    get: (ctx, user, { tenant, name }) => ctx.services.templates.get(user, tenant, name),
  },
  list: {
    name: 'stageTemplates',
    args: TenantScopeInput,
    description: "The built-in templates, then the tenant's own, by name.",
    list: (ctx, user, { tenant }) => ctx.services.templates.list(user, tenant),
  },
}) {
  @Authorized()
  @Query(() => StageTemplateObject, {
    description:
      'The template filled with arguments as createStage would fill it (arguments from integrations included), without writing anything: what a new stage made from it runs. Its arguments list is empty.',
  })
  async filledStageTemplate(
    @Args(() => TenantObjectRefFields) { tenant, name }: TenantObjectRefFields,
    @Arg('arguments', () => [NameValueInput], { nullable: true }) args: NameValueInput[] | null,
    @SignedIn() ctx: SignedInContext,
  ): Promise<StageTemplateObject> {
    return toStageTemplateObject(await ctx.services.templates.fill(ctx.user, tenant, name, args ?? []));
  }
}
