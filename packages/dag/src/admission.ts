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

/** What a queued run waits for (WorkflowRun.wait). */
export type WaitKind = 'TENANT_LIMIT' | 'WORKFLOW_LIMIT' | 'GLOBAL_LIMIT' | 'APPROVAL' | 'PAUSED';

export interface RunWait {
  kind: WaitKind;
  /** The limit it waits under (the LIMIT kinds); null otherwise. */
  limit: number | null;
  /**
   * Its place among the runs waiting under the same limit, from 1 (the tenant's, the
   * workflow's or all queued runs, oldest first); null when it waits for a person.
   */
  position: number | null;
}

export interface AdmissionPlan {
  admit: string[];
  /** Runs left in the queue, why in words (the run's message) and as a RunWait. */
  waiting: { id: string; reason: string; wait: RunWait }[];
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

  // Places in each line: per tenant, per workflow and overall, oldest first.
  const places = new Map<string, number>();
  const nextPlace = (key: string) => {
    const place = (places.get(key) ?? 0) + 1;
    places.set(key, place);
    return place;
  };
  const waiting = fifo
    .filter((run) => !admitted.has(run.id))
    .map((run) => {
      const tenantLimit = state.tenantLimit(run.tenantId);
      const workflowLimit = state.workflowLimit(run.workflowId);
      const tenantCount = byTenant.get(run.tenantId) ?? 0;
      const workflowCount = byWorkflow.get(run.workflowId) ?? 0;
      if (run.awaitingApproval !== undefined) {
        const wait: RunWait = { kind: 'APPROVAL', limit: null, position: null };
        return { id: run.id, reason: approvalWaitMessage(run.awaitingApproval), wait };
      }
      if (run.isPaused) {
        const wait: RunWait = { kind: 'PAUSED', limit: null, position: null };
        return { id: run.id, reason: 'paused before it started', wait };
      }
      const tenantPlace = nextPlace(`tenant:${run.tenantId}`);
      const workflowPlace = nextPlace(`workflow:${run.workflowId}`);
      const overallPlace = nextPlace('all');
      if (tenantLimit !== null && tenantCount >= tenantLimit) {
        const wait: RunWait = { kind: 'TENANT_LIMIT', limit: tenantLimit, position: tenantPlace };
        return { id: run.id, reason: `queued: ${plural(tenantCount, 'tenant')} active (limit ${tenantLimit})`, wait };
      }
      if (workflowLimit !== null && workflowCount >= workflowLimit) {
        const wait: RunWait = { kind: 'WORKFLOW_LIMIT', limit: workflowLimit, position: workflowPlace };
        return {
          id: run.id,
          reason: `queued: ${plural(workflowCount, 'workflow')} active (limit ${workflowLimit})`,
          wait,
        };
      }
      // The installation's capacity (or, when every limit had room, the next pass).
      const wait: RunWait = { kind: 'GLOBAL_LIMIT', limit: state.capacity, position: overallPlace };
      const reason =
        state.capacity !== null && total >= state.capacity
          ? `queued: ${total} run${total === 1 ? ' is' : 's are'} active in total (limit ${state.capacity})`
          : 'queued: waiting for a slot';
      return { id: run.id, reason, wait };
    });
  return { admit: fifo.filter((run) => admitted.has(run.id)).map((run) => run.id), waiting };
}
