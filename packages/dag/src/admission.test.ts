import { describe, expect, it } from 'vitest';
import { type AdmissionState, planAdmission, type QueuedRun } from './admission.js';

const T0 = Date.parse('2026-11-25T12:00:00.000Z');
let counter = 0;
function queued(tenantId: string, workflowId = `${tenantId}-wf`, extra: Partial<QueuedRun> = {}): QueuedRun {
  counter += 1;
  return {
    id: `run-${String(counter).padStart(4, '0')}`,
    tenantId,
    workflowId,
    createdAt: new Date(T0 + counter * 1000),
    isPaused: false,
    ...extra,
  };
}

function state(overrides: Partial<AdmissionState> = {}): AdmissionState {
  return {
    activeByTenant: new Map(),
    activeByWorkflow: new Map(),
    tenantLimit: () => null,
    workflowLimit: () => null,
    capacity: null,
    lastAdmittedAt: new Map(),
    ...overrides,
  };
}

describe('planAdmission', () => {
  it('admits everything when nothing limits it, oldest first', () => {
    const runs = [queued('a'), queued('b'), queued('a')];
    const plan = planAdmission([...runs].reverse(), state());
    expect(plan.admit).toEqual(runs.map((run) => run.id));
    expect(plan.waiting).toEqual([]);
  });

  it('keeps runs over the tenant limit queued, FIFO, and says why', () => {
    const runs = [queued('a'), queued('a'), queued('a')];
    const plan = planAdmission(
      runs,
      state({ activeByTenant: new Map([['a', 1]]), tenantLimit: (t) => (t === 'a' ? 2 : null) }),
    );
    expect(plan.admit).toEqual([runs[0]?.id]);
    expect(plan.waiting).toEqual([
      {
        id: runs[1]?.id,
        reason: 'queued: 2 runs of this tenant are active (limit 2)',
        wait: { kind: 'TENANT_LIMIT', limit: 2, position: 1 },
      },
      {
        id: runs[2]?.id,
        reason: 'queued: 2 runs of this tenant are active (limit 2)',
        wait: { kind: 'TENANT_LIMIT', limit: 2, position: 2 },
      },
    ]);
  });

  it('passes over a run whose workflow is full for a later run of another workflow of the tenant', () => {
    const blocked = queued('a', 'build');
    const other = queued('a', 'deploy');
    const plan = planAdmission(
      [blocked, other],
      state({
        activeByTenant: new Map([['a', 1]]),
        activeByWorkflow: new Map([['build', 1]]),
        workflowLimit: (w) => (w === 'build' ? 1 : null),
      }),
    );
    expect(plan.admit).toEqual([other.id]);
    expect(plan.waiting).toEqual([
      {
        id: blocked.id,
        reason: 'queued: 1 run of this workflow is active (limit 1)',
        wait: { kind: 'WORKFLOW_LIMIT', limit: 1, position: 1 },
      },
    ]);
  });

  it('shares the installation capacity round-robin: a tenant with many queued runs does not starve one with one', () => {
    const many = Array.from({ length: 100 }, () => queued('big'));
    const one = queued('small');
    const plan = planAdmission([...many, one], state({ capacity: 2 }));
    expect(plan.admit).toEqual([many[0]?.id, one.id]);
    expect(plan.waiting).toHaveLength(99);
    expect(plan.waiting[0]?.reason).toBe('queued: 2 runs are active in total (limit 2)');
    expect(plan.waiting.map((entry) => entry.wait.position)).toEqual(Array.from({ length: 99 }, (_, i) => i + 1));
    expect(plan.waiting[98]?.wait).toEqual({ kind: 'GLOBAL_LIMIT', limit: 2, position: 99 });
  });

  it('gives the single free slot to the tenant admitted least recently', () => {
    const big = [queued('big'), queued('big')];
    const small = queued('small');
    const plan = planAdmission(
      [...big, small],
      state({
        capacity: 3,
        activeByTenant: new Map([['big', 2]]),
        lastAdmittedAt: new Map([
          ['big', new Date(T0 + 500_000)],
          ['small', new Date(T0)],
        ]),
      }),
    );
    expect(plan.admit).toEqual([small.id]);
  });

  it('leaves paused runs waiting without taking a slot', () => {
    const paused = queued('a', 'wf', { isPaused: true });
    const next = queued('a');
    const plan = planAdmission([paused, next], state({ tenantLimit: () => 1 }));
    expect(plan.admit).toEqual([next.id]);
    expect(plan.waiting).toEqual([
      { id: paused.id, reason: 'paused before it started', wait: { kind: 'PAUSED', limit: null, position: null } },
    ]);
  });

  it('never admits a run waiting for approval, even with room, and says why it waits', () => {
    const untrusted = queued('a', 'wf', { awaitingApproval: 'pull request #7 comes from the fork m/r' });
    const next = queued('a');
    const plan = planAdmission([untrusted, next], state({}));
    expect(plan.admit).toEqual([next.id]);
    expect(plan.waiting).toEqual([
      {
        id: untrusted.id,
        reason: 'waiting for approval: pull request #7 comes from the fork m/r',
        wait: { kind: 'APPROVAL', limit: null, position: null },
      },
    ]);
  });

  it('admits nothing when the capacity is used up by active runs', () => {
    const run = queued('a');
    const plan = planAdmission([run], state({ capacity: 1, activeByTenant: new Map([['z', 1]]) }));
    expect(plan.admit).toEqual([]);
    expect(plan.waiting).toEqual([
      {
        id: run.id,
        reason: 'queued: 1 run is active in total (limit 1)',
        wait: { kind: 'GLOBAL_LIMIT', limit: 1, position: 1 },
      },
    ]);
  });
});
