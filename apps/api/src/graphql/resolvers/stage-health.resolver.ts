import { criticalPath } from '@cyclone/dag';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { badInput } from '../../errors/app-error.js';
import { MAX_HEALTH_RUNS } from '../../modules/runs/stage-health.js';
import type { GraphQLContext } from '../context.js';
import { StageHealthType } from '../types/stage-health.type.js';
import { WorkflowType } from '../types/workflow.type.js';
import { WorkflowRunType } from '../types/workflow-run.type.js';

/** Stage health of a workflow: what the editor paints onto the DAG. */
@Resolver(() => WorkflowType)
export class WorkflowStageHealthResolver {
  @FieldResolver(() => [StageHealthType], {
    description: `Per stage of the current version, in its order: runs, failures, flakes, p50/p95 and trend over the last ended runs (1–${MAX_HEALTH_RUNS}).`,
  })
  async stageHealth(
    @Root() workflow: WorkflowType,
    @Arg('lastRuns', () => Int, { defaultValue: 50 }) lastRuns: number,
    @Ctx() ctx: GraphQLContext,
  ) {
    if (!Number.isInteger(lastRuns) || lastRuns < 1 || lastRuns > MAX_HEALTH_RUNS) {
      throw badInput('lastRuns', `must be between 1 and ${MAX_HEALTH_RUNS}`);
    }
    const spec = await ctx.loaders.workflowSpecByVersion.load(`${workflow.id}:${workflow.currentVersion}`);
    const names = (spec?.stages ?? []).map((stage) => stage.name);
    return ctx.services.runInsights.stageHealth(workflow.id, names, lastRuns);
  }
}

/** The critical path of a run: what the run view paints onto the DAG. */
@Resolver(() => WorkflowRunType)
export class RunCriticalPathResolver {
  @FieldResolver(() => [String], {
    description:
      'The chain of stages that decided how long the run took, first to last: from the stage that ended last back through the dependency it waited for longest. A running stage counts as ending now; stages that never started are not on it.',
  })
  async criticalPath(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext): Promise<string[]> {
    const [details, stageRuns] = await Promise.all([
      ctx.loaders.runDetailsById.load(run.id),
      ctx.loaders.stageRunsByRunId.load(run.id),
    ]);
    const times = new Map(stageRuns.map((stage) => [stage.name, stage]));
    return criticalPath(
      (details?.graph ?? []).map((stage) => {
        const ran = times.get(stage.name);
        return {
          name: stage.name,
          dependsOn: stage.dependsOn,
          ...(ran?.startedAt ? { startedAt: ran.startedAt.getTime() } : {}),
          ...(ran?.finishedAt ? { finishedAt: ran.finishedAt.getTime() } : {}),
        };
      }),
      Date.now(),
    );
  }
}
