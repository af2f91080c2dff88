import { Arg, Authorized, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { subscribeSignedIn } from '../signed-in.js';
import { WorkflowRunType } from '../types/workflow-run.type.js';
import { primeRunEvent } from './run-event.js';

/** The overview's live list: every run of a tenant as it starts and changes phase. */
@Resolver(() => WorkflowRunType)
export class TenantRunsStreamResolver {
  @Authorized()
  @Subscription(() => WorkflowRunType, {
    name: 'tenantRunsUpdated',
    description:
      "A tenant's runs as they are created and on every phase change of a run or a stage (VIEWER and up); NOT_FOUND for a tenant you are not a member of. Never completes.",
    subscribe: subscribeSignedIn<{ tenant: string }>((ctx, { tenant }) =>
      ctx.services.runStreams.followTenantRuns(ctx.user, tenant),
    ),
  })
  tenantRunsUpdated(
    @Root() run: WorkflowRunType,
    @Arg('tenant', () => String) _tenant: string,
    @Ctx() ctx: GraphQLContext,
  ): WorkflowRunType {
    return primeRunEvent(ctx, run);
  }
}
