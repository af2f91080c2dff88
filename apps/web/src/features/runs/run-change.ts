import { isTerminalPhase } from '@cyclone/domain/core';
import { isTerminal, type Run, type RunChange } from './runs.documents';

/**
 * A `workflowRunUpdated` event over the cached run: the event's fields replace the run's,
 * the rest (graph, parameters, names: they never change) stays as it was. React Query's
 * structural sharing then keeps every unchanged stage object, so only changed nodes render.
 */
export function mergeRunChange(
  previous: { workflowRun: Run | null } | undefined,
  event: { workflowRunUpdated: RunChange },
): { workflowRun: Run | null } | undefined {
  if (!previous?.workflowRun || previous.workflowRun.id !== event.workflowRunUpdated.id) return previous;
  return { workflowRun: { ...previous.workflowRun, ...event.workflowRunUpdated } };
}

/**
 * A stop / pause / resume answer over the cached run. The answer is the run as the
 * mutation left it, and the controller may already have moved on: a stop is often
 * carried out, and its events received, before the mutation's answer arrives. What
 * the cache saw further along stays: an ended run, a stage on a later attempt or
 * already ended in the same one, and a stop under way (none of these go back). A run
 * with finally stages stays RUNNING after the stop, and no later event may come to
 * correct a stage the answer would set back.
 */
export function mergeRunAnswer(
  previous: { workflowRun: Run | null } | undefined,
  answer: Run,
): { workflowRun: Run | null } {
  const cached = previous?.workflowRun;
  if (!cached || cached.id !== answer.id) return { workflowRun: answer };
  if (isTerminal(cached.phase) && !isTerminal(answer.phase)) return previous as { workflowRun: Run };
  const seen = new Map(cached.stages.map((stage) => [stage.name, stage]));
  let isChanged = cached.isStopping && !answer.isStopping;
  const stages = answer.stages.map((stage) => {
    const further = seen.get(stage.name);
    if (!further || !isFurtherAlong(further, stage)) return stage;
    isChanged = true;
    return further;
  });
  return isChanged
    ? { workflowRun: { ...answer, stages, isStopping: answer.isStopping || cached.isStopping } }
    : { workflowRun: answer };
}

/** Whether `a` is a later state of a stage than `b`: a later attempt, or the same one ended. */
function isFurtherAlong(a: Run['stages'][number], b: Run['stages'][number]): boolean {
  if (a.attempt !== b.attempt) return a.attempt > b.attempt;
  return isTerminalPhase(a.phase) && !isTerminalPhase(b.phase);
}
