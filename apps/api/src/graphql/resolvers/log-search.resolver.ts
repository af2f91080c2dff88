import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { notFound } from '../../errors/app-error.js';
import type { GraphQLContext } from '../context.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { DateTimeScalar, LogSearchHitConnection, LogSearchHitType } from '../types/log-search.type.js';
import { WorkflowRunType } from '../types/workflow-run.type.js';

/** Search over every stored log line of a tenant's runs. */
@Resolver(() => LogSearchHitType)
export class LogSearchResolver {
  @Authorized()
  @Query(() => LogSearchHitConnection, {
    description:
      'Log lines of the runs you may read that contain every word and "quoted phrase" of `query` (case ignored, anywhere in the line), newest first. A query needs a word of 3 or more letters or digits.',
  })
  searchLogs(
    @Arg('tenant', () => String) tenant: string,
    @Arg('query', () => String) query: string,
    @Arg('project', () => String, { nullable: true }) project: string | null,
    @Arg('workflow', () => String, { nullable: true, description: 'Only runs of workflows of this name.' })
    workflow: string | null,
    @Arg('since', () => DateTimeScalar, { nullable: true, description: 'Only lines printed at or after this time.' })
    since: Date | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'Hits per page, 0–100.' })
    first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @SignedIn() ctx: SignedInContext,
  ) {
    return ctx.services.logSearch.search(ctx.user, tenant, {
      query,
      project,
      workflow,
      since,
      first,
      after,
    });
  }

  @FieldResolver(() => WorkflowRunType, { description: 'The run that printed the line.' })
  async run(@Root() hit: LogSearchHitType, @Ctx() ctx: GraphQLContext) {
    // The search read only runs the caller may read; a run deleted since is gone.
    const run = await ctx.loaders.runById.load(hit.runId);
    if (!run) throw notFound(`workflow run "${hit.runId}"`);
    return run;
  }
}
