import type { StageRunView } from '../../modules/runs/runs.presenter.js';
import type { GraphQLContext } from '../context.js';

/**
 * One context serves every event of a run subscription: drop what its loaders hold
 * for the run and give the stages loader the stages the stream read with this
 * event (modules/runs/runs.loaders.ts `RunEvent`).
 */
export function primeRunEvent(ctx: GraphQLContext, run: { id: string; stageViews?: StageRunView[] }): void {
  ctx.loaders.queuePositionByRunId.clear(run.id);
  ctx.loaders.stageRunsByRunId.clear(run.id);
  if (run.stageViews) ctx.loaders.stageRunsByRunId.prime(run.id, run.stageViews);
}
