import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import {
  RunNotificationType,
  SetWorkflowNotificationsInput,
  WorkflowNotificationsType,
} from '../types/notification.type.js';
import { WorkflowType } from '../types/workflow.type.js';
import { WorkflowRunType } from '../types/workflow-run.type.js';

@Resolver(() => WorkflowType)
export class WorkflowNotificationsResolver {
  @Authorized()
  @Mutation(() => WorkflowNotificationsType, {
    nullable: true,
    description:
      'Sets who hears about finished runs of a workflow (DEVELOPER and up): a policy and receivers (WEBHOOK, SLACK, EMAIL). Replaces the previous settings; runs that finished before are not notified. An empty receiver list turns notifications off (returns null).',
  })
  async setWorkflowNotifications(
    @Arg('input', () => SetWorkflowNotificationsInput) input: SetWorkflowNotificationsInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<WorkflowNotificationsType | null> {
    return (await ctx.services.notifications.setWorkflowNotifications(
      ctx.user,
      input,
    )) as WorkflowNotificationsType | null;
  }

  @FieldResolver(() => WorkflowNotificationsType, { nullable: true, description: 'Notification settings, if any.' })
  async notifications(
    @Root() workflow: WorkflowType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<WorkflowNotificationsType | null> {
    const row = await ctx.loaders.notificationByWorkflowId.load(workflow.id);
    return row ? (ctx.services.notifications.view(row) as WorkflowNotificationsType) : null;
  }
}

@Resolver(() => WorkflowRunType)
export class RunNotificationsResolver {
  @FieldResolver(() => [RunNotificationType], {
    description:
      'Delivery results of the notifications about this run: one per receiver for its end, and one per receiver for each approval stage that waited.',
  })
  async notifications(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext): Promise<RunNotificationType[]> {
    const rows = await ctx.loaders.runNotificationsByRunId.load(run.id);
    return rows.map((row) => ({ ...row, stage: row.stage === '' ? null : row.stage })) as RunNotificationType[];
  }
}
