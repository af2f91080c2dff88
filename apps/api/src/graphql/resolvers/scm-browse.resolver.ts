import { Arg, Authorized, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { IntegrationObject } from '../types/integration.type.js';
import { ScmBranchType, ScmRepositoryType, WebhookDeliveryType } from '../types/scm-browse.type.js';
import { WorkflowRunType } from '../types/workflow-run.type.js';

/** SCM reads on an integration: repositories and branches for trigger forms, and its webhook deliveries. */
@Resolver(() => IntegrationObject)
export class ScmBrowseResolver {
  @Authorized()
  @FieldResolver(() => [ScmRepositoryType], {
    description:
      'Repositories the SCM integration can see (through its provider), at most `first` (1–1000, default 100). Plain Git and SVN list none: type the URL or path.',
  })
  scmRepositories(
    @Root() integration: IntegrationObject,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first: number,
    @SignedIn() ctx: SignedInContext,
  ): Promise<ScmRepositoryType[]> {
    return ctx.services.scmBrowse.repositories(ctx.user, integration.id, first);
  }

  @Authorized()
  @FieldResolver(() => [ScmBranchType], { description: 'Branches of one repository of the SCM integration.' })
  scmBranches(
    @Root() integration: IntegrationObject,
    @Arg('repo', () => String) repo: string,
    @SignedIn() ctx: SignedInContext,
  ): Promise<ScmBranchType[]> {
    return ctx.services.scmBrowse.branches(ctx.user, integration.id, repo);
  }

  @Authorized()
  @FieldResolver(() => [WebhookDeliveryType], {
    description:
      'The newest webhook deliveries received for this integration, newest first, at most `first` (1–1000, default 50); tenant ADMINs only.',
  })
  async webhookDeliveries(
    @Root() integration: IntegrationObject,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @SignedIn() ctx: SignedInContext,
  ): Promise<WebhookDeliveryType[]> {
    const rows = await ctx.services.scmBrowse.deliveries(ctx.user, integration.id, first);
    return rows.map((row) => ({ ...row, status: row.statusCode }));
  }
}

@Resolver(() => WebhookDeliveryType)
export class WebhookDeliveryResolver {
  @FieldResolver(() => [WorkflowRunType], {
    description: 'Runs the delivery started (runs deleted since are left out).',
  })
  async runs(@Root() delivery: WebhookDeliveryType, @Ctx() ctx: GraphQLContext): Promise<WorkflowRunType[]> {
    if (delivery.runIds.length === 0) return [];
    // The delivery was only readable by a tenant ADMIN of its integration: its runs are that tenant's.
    return ctx.services.scmBrowse.runsByIds(delivery.runIds) as Promise<WorkflowRunType[]>;
  }
}
