import { Ctx, FieldResolver, Resolver, Root, registerEnumType } from 'type-graphql';
import { RunTrigger } from '../../generated/prisma/enums.js';
import type { GraphQLContext } from '../context.js';
import { WorkflowRunType } from '../types/workflow-run.type.js';

registerEnumType(RunTrigger, {
  name: 'RunTrigger',
  description: 'What started a run: a person or API client (MANUAL), a CRON slot, an SCM event, or a WEBHOOK call.',
});

/** What started a run, for run lists and pages. */
@Resolver(() => WorkflowRunType)
export class RunTriggerResolver {
  @FieldResolver(() => RunTrigger, { description: 'What started the run.' })
  async trigger(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext): Promise<RunTrigger> {
    return (await ctx.loaders.runTriggerByRunId.load(run.id))?.trigger ?? 'MANUAL';
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Name of the trigger that started the run; null for manual runs and triggers deleted since.',
  })
  async triggerName(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext): Promise<string | null> {
    return (await ctx.loaders.runTriggerByRunId.load(run.id))?.triggerName ?? null;
  }
}
