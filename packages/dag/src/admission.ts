/**
 * Run admission: which queued runs may start now under the concurrency limits. A
 * pure function of the stored queue, so any controller computes the same answer.
 *
 * Policies:
 * - Limits: per workflow, per tenant and for the whole installation (`capacity`);
 *   null means no limit. A run counts against them from admission until it ends,
 *   paused or not.
 * - Order: FIFO within a tenant (oldest run first; a run whose workflow is at its
 *   limit is passed over, so FIFO holds per workflow), round-robin across tenants:
 *   each round admits at most one run per tenant, tenants admitted least recently go
 *   first. A tenant with 100 queued runs cannot starve one with 1.
 * - Paused runs that have not started wait without holding a place, and so do runs
 *   waiting for a member's approval; stopped ones leave the queue (the controller
 *   cancels them).
 */

export interface QueuedRun {
  id: string;
  tenantId: string;
  workflowId: string;
  createdAt: Date;
  isPaused: boolean;
  /** Why it waits for a member's approval (a fork's pull request…); it is never admitted meanwhile. */
  awaitingApproval?: string;
}

export interface AdmissionState {
  /** Active (admitted, unfinished) runs per tenant and per workflow. */
  activeByTenant: ReadonlyMap<string, number>;
  activeByWorkflow: ReadonlyMap<string, number>;
  tenantLimit: (tenantId: string) => number | null;
  workflowLimit: (workflowId: string) => number | null;
  /** Limit of active runs across all tenants; null: none. */
  capacity: number | null;
  /** When each tenant last had a run admitted; never-admitted tenants go first. */
  lastAdmittedAt: ReadonlyMap<string, Date>;
}

export interface AdmissionPlan {
  admit: string[];
  /** Runs left in the queue and why. */
  waiting: { id: string; reason: string }[];
}

/** The message of a run waiting for a member's approval (also set when such a run is created). */
export function approvalWaitMessage(reason: string): string {
  return `waiting for approval: ${reason}`;
}

const plural = (n: number, what: string) => `${n} run${n === 1 ? '' : 's'} of this ${what} ${n === 1 ? 'is' : 'are'}`;

export function planAdmission(queue: readonly QueuedRun[], state: AdmissionState): AdmissionPlan {
  const byTenant = new Map(state.activeByTenant);
  const byWorkflow = new Map(state.activeByWorkflow);
  let total = [...byTenant.values()].reduce((sum, n) => sum + n, 0);
  const fifo = [...queue].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  const lines = new Map<string, QueuedRun[]>();
  for (const run of fifo) {
    if (run.isPaused || run.awaitingApproval !== undefined) continue;
    const line = lines.get(run.tenantId) ?? [];
    line.push(run);
    lines.set(run.tenantId, line);
  }
  const order = [...lines.keys()].sort((a, b) => {
    const at = (tenant: string) => state.lastAdmittedAt.get(tenant)?.getTime() ?? Number.NEGATIVE_INFINITY;
    // Ties (e.g. never admitted): the tenant whose oldest run waits longest.
    return (
      at(a) - at(b) || (lines.get(a)?.[0]?.createdAt.getTime() ?? 0) - (lines.get(b)?.[0]?.createdAt.getTime() ?? 0)
    );
  });
  const isBelow = (count: number | undefined, limit: number | null) => limit === null || (count ?? 0) < limit;
  const admitted = new Set<string>();
  for (let progress = true; progress; ) {
    progress = false;
    for (const tenant of order) {
      if (!isBelow(total, state.capacity)) break;
      if (!isBelow(byTenant.get(tenant), state.tenantLimit(tenant))) continue;
      const line = lines.get(tenant) ?? [];
      const index = line.findIndex((run) =>
        isBelow(byWorkflow.get(run.workflowId), state.workflowLimit(run.workflowId)),
      );
      if (index < 0) continue;
      const [run] = line.splice(index, 1) as [QueuedRun];
      admitted.add(run.id);
      byTenant.set(tenant, (byTenant.get(tenant) ?? 0) + 1);
      byWorkflow.set(run.workflowId, (byWorkflow.get(run.workflowId) ?? 0) + 1);
      total += 1;
      progress = true;
    }
  }

  const waiting = fifo
    .filter((run) => !admitted.has(run.id))
    .map((run) => {
      const tenantLimit = state.tenantLimit(run.tenantId);
      const workflowLimit = state.workflowLimit(run.workflowId);
      const tenantCount = byTenant.get(run.tenantId) ?? 0;
      const workflowCount = byWorkflow.get(run.workflowId) ?? 0;
      let reason = 'queued: waiting for a slot';
      if (run.awaitingApproval !== undefined) reason = approvalWaitMessage(run.awaitingApproval);
      else if (run.isPaused) reason = 'paused before it started';
      else if (tenantLimit !== null && tenantCount >= tenantLimit)
        reason = `queued: ${plural(tenantCount, 'tenant')} active (limit ${tenantLimit})`;
      else if (workflowLimit !== null && workflowCount >= workflowLimit)
        reason = `queued: ${plural(workflowCount, 'workflow')} active (limit ${workflowLimit})`;
      else if (state.capacity !== null && total >= state.capacity)
        reason = `queued: ${total} run${total === 1 ? ' is' : 's are'} active in total (limit ${state.capacity})`;
      return { id: run.id, reason };
    });
  return { admit: fifo.filter((run) => admitted.has(run.id)).map((run) => run.id), waiting };
}
