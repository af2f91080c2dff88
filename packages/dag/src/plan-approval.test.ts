import { describe, expect, it } from 'vitest';
import { type ApprovalDecision, judgeApproval } from './approval.js';
import { type PlanRunState, type PlanStage, type PlanStageState, planRun } from './plan.js';

/** Approval gates in the planner: see the policies at the top of plan.ts and approval.ts. */

const NOW = new Date('2026-12-20T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const done = { phase: 'SUCCEEDED' as const, attempt: 1, exitCode: 0 };
const HOUR = 3_600_000;

function run(overrides: Partial<PlanRunState> = {}): PlanRunState {
  return { phase: 'RUNNING', isPaused: false, isStopRequested: false, now: NOW, ...overrides };
}

function states(entries: Record<string, Partial<PlanStageState> & { phase: PlanStageState['phase'] }>) {
  return new Map(Object.entries(entries).map(([name, s]) => [name, { attempt: 0, ...s } as PlanStageState]));
}

function decision(email: string, overrides: Partial<ApprovalDecision> = {}): ApprovalDecision {
  return { decision: 'APPROVE', email, comment: '', inputs: [], at: ago(1_000), ...overrides };
}

const stages: PlanStage[] = [
  { name: 'build' },
  { name: 'gate', dependsOn: ['build'], approval: { count: 2, timeoutMs: HOUR, onTimeout: 'FAIL' } },
  { name: 'deploy', dependsOn: ['gate'] },
];
const waiting = (decisions: ApprovalDecision[], since = ago(60_000)) => ({
  phase: 'WAITING' as const,
  attempt: 1,
  startedAt: since,
  decisions,
});

describe('planRun: approval gates', () => {
  it('a ready gate starts waiting instead of running, and the run wakes at its timeout', () => {
    const plan = planRun(stages, run(), states({ build: done }));
    expect(plan.start).toEqual([]);
    expect(plan.wait).toEqual([{ stage: 'gate', attempt: 1, message: 'waiting for 2 approvals' }]);
    expect(plan.runPhase).toBe('RUNNING');
    expect(plan.requeueAfterMs).toBe(HOUR);
  });

  it('a gate waits for its upstream stages like any stage', () => {
    const plan = planRun(stages, run({ phase: 'PENDING' }), new Map());
    expect(plan.start).toEqual([{ stage: 'build', attempt: 1 }]);
    expect(plan.wait).toEqual([]);
  });

  it('waits with fewer approvals than its count, its dependents too, and the run is not over', () => {
    const plan = planRun(stages, run(), states({ build: done, gate: waiting([decision('a@x.io')]) }));
    expect(plan).toMatchObject({ start: [], wait: [], finish: [], runPhase: 'RUNNING' });
    expect(plan.requeueAfterMs).toBe(HOUR - 60_000);
  });

  it('succeeds with count approvals, their inputs as outputs, and its dependents start in the same pass', () => {
    const decisions = [
      decision('a@x.io', { inputs: [{ name: 'version', value: '1.0' }], at: ago(5_000) }),
      decision('b@x.io', {
        inputs: [
          { name: 'version', value: '1.1' },
          { name: 'note', value: 'ok' },
        ],
      }),
    ];
    const plan = planRun(stages, run(), states({ build: done, gate: waiting(decisions) }));
    expect(plan.finish).toEqual([
      {
        stage: 'gate',
        phase: 'SUCCEEDED',
        message: 'approved by a@x.io, b@x.io',
        outputs: [
          { key: 'version', value: '1.1' },
          { key: 'note', value: 'ok' },
        ],
      },
    ]);
    expect(plan.start).toEqual([{ stage: 'deploy', attempt: 1 }]);
  });

  it('a condition downstream sees the outputs of the approval', () => {
    const gated: PlanStage[] = [
      { name: 'gate', approval: { count: 1 } },
      { name: 'deploy', dependsOn: ['gate'], when: "stages['gate'].outputs['target'] == 'prod'" },
    ];
    const approved = (value: string) =>
      states({ gate: waiting([decision('a@x.io', { inputs: [{ name: 'target', value }] })]) });
    expect(planRun(gated, run(), approved('prod')).start).toEqual([{ stage: 'deploy', attempt: 1 }]);
    expect(planRun(gated, run(), approved('staging')).finish[1]).toMatchObject({ stage: 'deploy', phase: 'SKIPPED' });
  });

  it('a rejection fails it at once, whatever approvals it had, and the run fails with its dependents skipped', () => {
    const decisions = [decision('a@x.io'), decision('b@x.io', { decision: 'REJECT', comment: ' not today ' })];
    const plan = planRun(stages, run(), states({ build: done, gate: waiting(decisions) }));
    expect(plan.finish).toEqual([
      { stage: 'gate', phase: 'FAILED', message: 'rejected by b@x.io: not today', attempt: 1 },
      { stage: 'deploy', phase: 'SKIPPED', message: 'skipped: upstream stage "gate" did not succeed' },
    ]);
    expect(plan).toMatchObject({ runPhase: 'FAILED', runMessage: 'stage "gate" failed' });
  });

  it('a timeout fails it (FAIL, the default) or skips it and its only dependents (SKIP)', () => {
    const since = ago(HOUR);
    const failedPlan = planRun(stages, run(), states({ build: done, gate: waiting([decision('a@x.io')], since) }));
    expect(failedPlan.finish[0]).toEqual({
      stage: 'gate',
      phase: 'FAILED',
      message: 'approval timed out with 1 of 2 approvals',
      attempt: 1,
    });
    expect(failedPlan.runPhase).toBe('FAILED');
    const skipping = stages.map((s) =>
      s.approval ? { ...s, approval: { ...s.approval, onTimeout: 'SKIP' as const } } : s,
    );
    const skippedPlan = planRun(skipping, run(), states({ build: done, gate: waiting([], since) }));
    expect(skippedPlan.finish).toEqual([
      { stage: 'gate', phase: 'SKIPPED', message: 'skipped: approval timed out with 0 of 2 approvals', attempt: 1 },
      { stage: 'deploy', phase: 'SKIPPED', message: 'skipped: every upstream stage was skipped' },
    ]);
    expect(skippedPlan.runPhase).toBe('SUCCEEDED');
  });

  it('a gate with no timeout waits without a requeue of its own', () => {
    const open: PlanStage[] = [{ name: 'gate', approval: { count: 1 } }];
    const plan = planRun(open, run(), states({ gate: waiting([], ago(100 * HOUR)) }));
    expect(plan).toMatchObject({ finish: [], runPhase: 'RUNNING' });
    expect(plan.requeueAfterMs).toBeUndefined();
  });

  it('decisions count while the run is paused, but a paused run starts no gate', () => {
    const paused = run({ isPaused: true });
    expect(planRun(stages, paused, states({ build: done })).wait).toEqual([]);
    const two = [decision('a@x.io'), decision('b@x.io')];
    const plan = planRun(stages, paused, states({ build: done, gate: waiting(two) }));
    expect(plan.finish).toMatchObject([{ stage: 'gate', phase: 'SUCCEEDED' }]);
    expect(plan.start).toEqual([]);
    expect(plan.runPhase).toBe('WAITING');
  });

  it('a stop cancels a waiting gate; the finally stages still run', () => {
    const withFinally: PlanStage[] = [...stages, { name: 'notify', finally: true }];
    const plan = planRun(withFinally, run({ isStopRequested: true }), states({ build: done, gate: waiting([]) }));
    expect(plan.finish).toEqual([
      { stage: 'gate', phase: 'CANCELLED', message: 'not decided: the run was stopped' },
      { stage: 'deploy', phase: 'CANCELLED', message: 'not started: the run was stopped' },
    ]);
    expect(plan.start).toEqual([{ stage: 'notify', attempt: 1 }]);
  });

  it('a run timeout fails a waiting gate', () => {
    const plan = planRun(stages, run({ deadline: ago(1) }), states({ build: done, gate: waiting([]) }));
    expect(plan.finish[0]).toEqual({
      stage: 'gate',
      phase: 'FAILED',
      message: 'not decided: the run timed out',
      attempt: 1,
    });
    expect(plan.runPhase).toBe('FAILED');
  });

  it('a waiting gate is skipped once another stage failed for good: nothing it decides saves the run', () => {
    const parallel: PlanStage[] = [{ name: 'gate', approval: { count: 1 } }, { name: 'test' }];
    const failed = { phase: 'FAILED' as const, attempt: 1, exitCode: 1, finishedAt: ago(10) };
    const plan = planRun(parallel, run(), states({ gate: waiting([]), test: failed }));
    expect(plan.finish).toEqual([{ stage: 'gate', phase: 'SKIPPED', message: 'skipped: stage "test" failed' }]);
    expect(plan).toMatchObject({ runPhase: 'FAILED', runMessage: 'stage "test" failed' });
  });

  it('a finally gate waits after the other stages and may be decided during a stop', () => {
    const final: PlanStage[] = [{ name: 'build' }, { name: 'sign-off', finally: true, approval: { count: 1 } }];
    const plan = planRun(final, run(), states({ build: done }));
    expect(plan.wait).toMatchObject([{ stage: 'sign-off' }]);
    const decided = planRun(
      final,
      run({ isStopRequested: true }),
      states({ build: done, 'sign-off': waiting([decision('a@x.io')]) }),
    );
    expect(decided.finish).toMatchObject([{ stage: 'sign-off', phase: 'SUCCEEDED' }]);
    expect(decided.runPhase).toBe('CANCELLED');
  });
});

describe('judgeApproval', () => {
  const policy = { count: 1, timeoutMs: HOUR };
  it('is pending with its due time, then timed out; an ended gate judged at its end stays what it was', () => {
    expect(judgeApproval(policy, [], ago(1_000), NOW)).toEqual({
      state: 'PENDING',
      dueAt: new Date(ago(1_000).getTime() + HOUR),
    });
    expect(judgeApproval(policy, [], ago(HOUR), NOW)).toMatchObject({ state: 'TIMED_OUT', phase: 'FAILED' });
    expect(judgeApproval(policy, [], ago(2 * HOUR), ago(HOUR + 1))).toMatchObject({ state: 'PENDING' });
  });

  it('says who rejected without a comment', () => {
    expect(judgeApproval(policy, [decision('r@x.io', { decision: 'REJECT' })], NOW, NOW)).toEqual({
      state: 'REJECTED',
      message: 'rejected by r@x.io',
    });
  });
});
