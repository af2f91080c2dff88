import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { nextSlots } from '../../controller/cron-schedule.js';
import { badInput } from '../../errors/app-error.js';
import type { AuthUser } from '../../modules/identity/identity.service.js';
import { toTriggerView } from '../../modules/workflows/workflow-views.js';
import type { GraphQLContext } from '../context.js';
import {
  CreateWorkflowTriggerInput,
  UpdateWorkflowTriggerInput,
  WorkflowTriggerRefInput,
  WorkflowTriggerType,
} from '../types/workflow-trigger.type.js';

@Resolver(() => WorkflowTriggerType)
export class WorkflowTriggerResolver {
  @FieldResolver(() => [Date], {
    description:
      'CRON: the next `count` fire times (instants, 1–100, default 5) of the schedule read in its time zone; empty for disabled and non-CRON triggers.',
  })
  nextFireTimes(
    @Root() trigger: WorkflowTriggerType,
    @Arg('count', () => Int, { nullable: true, defaultValue: 5 }) count: number,
  ): Date[] {
    if (!Number.isInteger(count) || count < 1 || count > 100) throw badInput('count', 'must be between 1 and 100');
    if (trigger.type !== 'CRON' || !trigger.enabled || !trigger.cron) return [];
    return nextSlots(trigger.cron, new Date(), count, trigger.timezone ?? 'UTC');
  }

  @Authorized()
  @Mutation(() => WorkflowTriggerType, {
    description:
      'Adds a trigger to a workflow (DEVELOPER and up): CRON with a five-field schedule, SCM with an SCM integration of the tenant, or WEBHOOK.',
  })
  async createWorkflowTrigger(
    @Arg('input', () => CreateWorkflowTriggerInput) input: CreateWorkflowTriggerInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return toTriggerView(await ctx.services.triggers.createTrigger(ctx.user as AuthUser, input));
  }

  @Authorized()
  @Mutation(() => WorkflowTriggerType, { description: 'Replaces the settings of a trigger (DEVELOPER and up).' })
  async updateWorkflowTrigger(
    @Arg('input', () => UpdateWorkflowTriggerInput) input: UpdateWorkflowTriggerInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return toTriggerView(await ctx.services.triggers.updateTrigger(ctx.user as AuthUser, input));
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Deletes a trigger (DEVELOPER and up).' })
  deleteWorkflowTrigger(
    @Arg('input', () => WorkflowTriggerRefInput) input: WorkflowTriggerRefInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.triggers.deleteTrigger(ctx.user as AuthUser, input);
  }
}
