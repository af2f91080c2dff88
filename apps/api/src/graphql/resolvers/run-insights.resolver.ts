import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { RunDetails } from '../../modules/runs/run-insights.loaders.js';
import type { GraphQLContext } from '../context.js';
import { PageArgs } from '../relay.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { NameValueType } from '../types/name-value.type.js';
import { RunGraphStageType, RunStatisticsType, TenantRunFilter } from '../types/run-insights.type.js';
import { WorkflowRunConnection, WorkflowRunType } from '../types/workflow-run.type.js';

/** Tenant-wide run queries (runs list, overview) and what a run view shows beyond the row. */
@Resolver(() => WorkflowRunType)
export class RunInsightsResolver {
  @Authorized()
  @Query(() => WorkflowRunConnection, {
    description: "A tenant's runs across its workflows, newest first, filtered (VIEWER and up).",
  })
  tenantRuns(
    @Arg('tenant', () => String) tenant: string,
    @Arg('filter', () => TenantRunFilter, { nullable: true }) filter: TenantRunFilter | null,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @SignedIn() ctx: SignedInContext,
  ) {
    return ctx.services.runInsights.runs(ctx.user, tenant, {
      first,
      after: after ?? undefined,
      filter: filter ?? undefined,
    });
  }

  @Authorized()
  @Query(() => RunStatisticsType, {
    description: "A tenant's overview: counts, runs per day by phase and the duration trend (VIEWER and up).",
  })
  runStatistics(
    @Arg('tenant', () => String) tenant: string,
    @Arg('days', () => Int, { defaultValue: 14, description: 'Days in the window, today included (1–90).' })
    days: number,
    @Arg('utcOffsetMinutes', () => Int, {
      defaultValue: 0,
      description: "The viewer's UTC offset in minutes, which decides where a day starts (e.g. 480 for UTC+8).",
    })
    utcOffsetMinutes: number,
    @SignedIn() ctx: SignedInContext,
  ) {
    return ctx.services.runInsights.statistics(ctx.user, tenant, { days, utcOffsetMinutes });
  }

  @FieldResolver(() => [NameValueType], { description: 'The parameters the run was started with.' })
  async parameters(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext) {
    return (await details(run, ctx)).parameters;
  }

  @FieldResolver(() => Int, { description: 'The workflow version the run executes.' })
  async workflowVersion(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext) {
    return (await details(run, ctx)).version;
  }

  @FieldResolver(() => [RunGraphStageType], {
    description: 'The DAG of the version the run executes (the workflow may have changed since).',
  })
  async graph(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext) {
    return (await details(run, ctx)).graph;
  }

  @FieldResolver(() => String, { description: 'Name of the project of the run.' })
  async projectName(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext) {
    return (await details(run, ctx)).projectName;
  }

  @FieldResolver(() => String, { description: 'Name of the tenant of the run.' })
  async tenantName(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext) {
    return (await details(run, ctx)).tenantName;
  }
}

async function details(run: WorkflowRunType, ctx: GraphQLContext): Promise<RunDetails> {
  const found = await ctx.loaders.runDetailsById.load(run.id);
  if (!found) throw new Error(`workflow run ${run.id} vanished`);
  return found;
}
