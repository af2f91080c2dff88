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
 * carried out, and its CANCELLED event received, before the mutation's answer arrives.
 * An ended run never changes again, so a cached ended run is kept; otherwise the
 * answer is taken and later events correct it.
 */
export function mergeRunAnswer(
  previous: { workflowRun: Run | null } | undefined,
  answer: Run,
): { workflowRun: Run | null } {
  const cached = previous?.workflowRun;
  if (cached?.id === answer.id && isTerminal(cached.phase) && !isTerminal(answer.phase)) {
    return previous as { workflowRun: Run };
  }
  return { workflowRun: answer };
}
