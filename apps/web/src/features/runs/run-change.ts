import type { Run, RunChange } from './runs.documents';

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
