import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { RunParentType } from '../types/child-workflow.type.js';
import { StageRunType, WorkflowRunType } from '../types/workflow-run.type.js';

/** Child workflows on a run: the run a stage started, and the stage that started a run. */
@Resolver(() => StageRunType)
export class StageChildRunResolver {
  @FieldResolver(() => WorkflowRunType, {
    nullable: true,
    description: "The run of another workflow this child-workflow stage's current attempt started.",
  })
  childRun(@Root() stage: StageRunType, @Ctx() ctx: GraphQLContext) {
    return stage.childRunId ? ctx.loaders.runById.load(stage.childRunId) : null;
  }
}

@Resolver(() => WorkflowRunType)
export class RunParentResolver {
  @FieldResolver(() => RunParentType, {
    nullable: true,
    description: 'Set for a run a child-workflow stage of another run started.',
  })
  async parent(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext): Promise<RunParentType | null> {
    const row = run.parentStage !== undefined ? run : await ctx.loaders.runById.load(run.id);
    if (!row?.parentRunId || !row.parentStage || row.parentAttempt == null) return null;
    return { runId: row.parentRunId, stage: row.parentStage, attempt: row.parentAttempt };
  }
}

@Resolver(() => RunParentType)
export class RunParentRunResolver {
  @FieldResolver(() => WorkflowRunType, { nullable: true, description: 'The parent run (null once deleted).' })
  run(@Root() parent: RunParentType, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.runById.load(parent.runId);
  }
}
