import type { StageRunView } from '../../modules/runs/runs.presenter.js';
import type { GraphQLContext } from '../context.js';

/**
 * One context serves every event of a run subscription: drop what its loaders hold
 * for the run and give the stages loader the stages the stream read with this
 * event (modules/runs/runs.loaders.ts `RunEvent`). Returns the run: what the
 * subscription's field resolves to.
 */
export function primeRunEvent<T extends { id: string; stageViews?: StageRunView[] }>(ctx: GraphQLContext, run: T): T {
  ctx.loaders.queuePositionByRunId.clear(run.id);
  ctx.loaders.stageRunsByRunId.clear(run.id);
  if (run.stageViews) ctx.loaders.stageRunsByRunId.prime(run.id, run.stageViews);
  return run;
}
