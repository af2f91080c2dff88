import { describe, expect, it } from 'vitest';
import {
  BACKOFF_CAP_MS,
  backoffMs,
  nextRetryAt,
  type PlanRunState,
  type PlanStage,
  type PlanStageState,
  planRun,
} from './plan.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const diamond: PlanStage[] = [
  { name: 'a' },
  { name: 'b', dependsOn: ['a'] },
  { name: 'c', dependsOn: ['a'] },
  { name: 'd', dependsOn: ['b', 'c'] },
];

function run(overrides: Partial<PlanRunState> = {}): PlanRunState {
  return { phase: 'RUNNING', isPaused: false, isStopRequested: false, deadline: null, now: NOW, ...overrides };
}

function states(entries: Record<string, Partial<PlanStageState> & { phase: PlanStageState['phase'] }>) {
  return new Map(Object.entries(entries).map(([name, s]) => [name, { attempt: 0, ...s } as PlanStageState]));
}

const done = { phase: 'SUCCEEDED' as const, attempt: 1, startedAt: ago(5000), finishedAt: ago(4000), exitCode: 0 };
const running = { phase: 'RUNNING' as const, attempt: 1, startedAt: ago(1000) };
const failed = (attempt = 1, finishedAgo = 0) => ({
  phase: 'FAILED' as const,
  attempt,
  startedAt: ago(finishedAgo + 100),
  finishedAt: ago(finishedAgo),
  exitCode: 1,
});

describe('planRun: starting', () => {
  it('a new run starts its root stages and becomes RUNNING', () => {
    const plan = planRun(diamond, run({ phase: 'PENDING' }), new Map());
    expect(plan.start).toEqual([{ stage: 'a', attempt: 1 }]);
    expect(plan.runPhase).toBe('RUNNING');
    expect(plan.kill).toEqual([]);
    expect(plan.finish).toEqual([]);
  });

  it('starts every stage whose upstream stages all succeeded, in declaration order', () => {
    const plan = planRun(diamond, run(), states({ a: done, b: { phase: 'PENDING' }, c: { phase: 'PENDING' } }));
    expect(plan.start).toEqual([
      { stage: 'b', attempt: 1 },
      { stage: 'c', attempt: 1 },
    ]);
  });

  it('waits while an upstream stage runs, and starts nothing twice', () => {
    const plan = planRun(diamond, run(), states({ a: done, b: running, c: done }));
    expect(plan.start).toEqual([]);
    expect(plan.runPhase).toBe('RUNNING');
  });

  it('SUCCEEDED once every stage succeeded', () => {
    const plan = planRun(diamond, run(), states({ a: done, b: done, c: done, d: done }));
    expect(plan).toMatchObject({ start: [], kill: [], finish: [], runPhase: 'SUCCEEDED' });
  });

  it('leaves a terminal run alone', () => {
    for (const phase of ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const) {
      const plan = planRun(diamond, run({ phase, isStopRequested: true }), states({ a: running }));
      expect(plan).toEqual({ start: [], wait: [], expand: [], kill: [], finish: [], runPhase: phase });
    }
  });
});

describe('planRun: failures', () => {
  it('a failed stage without retries skips its dependents and fails the run once nothing runs', () => {
    const plan = planRun(diamond, run(), states({ a: failed() }));
    expect(plan.start).toEqual([]);
    expect(plan.finish.map((f) => [f.stage, f.phase])).toEqual([
      ['b', 'SKIPPED'],
      ['c', 'SKIPPED'],
      ['d', 'SKIPPED'],
    ]);
    expect(plan.finish[0]?.message).toContain('"a"');
    expect(plan.runPhase).toBe('FAILED');
    expect(plan.runMessage).toBe('stage "a" failed');
  });

  it('fails fast: no new start after a failure, the run stays RUNNING until running stages end', () => {
    const plan = planRun(diamond, run(), states({ a: done, b: failed(), c: running }));
    expect(plan.start).toEqual([]);
    expect(plan.finish).toEqual([
      { stage: 'd', phase: 'SKIPPED', message: 'skipped: upstream stage "b" did not succeed' },
    ]);
    expect(plan.runPhase).toBe('RUNNING');
    const later = planRun(diamond, run(), states({ a: done, b: failed(), c: done, d: { phase: 'SKIPPED' } }));
    expect(later.runPhase).toBe('FAILED');
  });

  it('fails fast across independent branches too', () => {
    const stages: PlanStage[] = [{ name: 'x' }, { name: 'y' }, { name: 'z', dependsOn: ['y'] }];
    const plan = planRun(stages, run(), states({ x: failed(), y: done, z: { phase: 'PENDING' } }));
    expect(plan.start).toEqual([]);
    expect(plan.finish).toEqual([{ stage: 'z', phase: 'SKIPPED', message: 'skipped: stage "x" failed' }]);
    expect(plan.runPhase).toBe('FAILED');
  });

  it('a CANCELLED upstream stage skips its dependents and fails the run', () => {
    const chain: PlanStage[] = [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }];
    const plan = planRun(chain, run(), states({ a: { phase: 'CANCELLED' } }));
    expect(plan.finish).toMatchObject([{ stage: 'b', phase: 'SKIPPED' }]);
    expect(plan).toMatchObject({ runPhase: 'FAILED', runMessage: 'stage "a" did not succeed' });
  });

  it('a stage whose only upstream stage was SKIPPED is skipped too, and skipping fails nothing', () => {
    const chain: PlanStage[] = [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }];
    const plan = planRun(chain, run(), states({ a: { phase: 'SKIPPED' } }));
    expect(plan.finish).toEqual([
      { stage: 'b', phase: 'SKIPPED', message: 'skipped: every upstream stage was skipped' },
    ]);
    expect(plan.runPhase).toBe('SUCCEEDED');
  });

  it('a trivial stage that fails does not fail the run and its dependents still run', () => {
    const stages: PlanStage[] = [
      { name: 'lint', trivial: true },
      { name: 'build', dependsOn: ['lint'] },
    ];
    const plan = planRun(stages, run(), states({ lint: failed() }));
    expect(plan.start).toEqual([{ stage: 'build', attempt: 1 }]);
    expect(plan.finish).toEqual([]);
    const end = planRun(stages, run(), states({ lint: failed(), build: done }));
    expect(end.runPhase).toBe('SUCCEEDED');
  });

  it('a trivial stage waiting for a retry holds its dependents', () => {
    const stages: PlanStage[] = [
      { name: 'lint', trivial: true, retries: 1 },
      { name: 'build', dependsOn: ['lint'] },
    ];
    const plan = planRun(stages, run(), states({ lint: failed(1, 0) }));
    expect(plan.start).toEqual([]);
    expect(plan.runPhase).toBe('RUNNING');
    expect(plan.requeueAfterMs).toBe(1000);
  });
});

describe('planRun: retries', () => {
  const retried: PlanStage[] = [
    { name: 'flaky', retries: 3 },
    { name: 'next', dependsOn: ['flaky'] },
  ];

  it('backs off exponentially from the stored finish time, capped', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(30)).toBe(BACKOFF_CAP_MS);
  });

  it('waits for the backoff, then starts the next attempt', () => {
    const early = planRun(retried, run(), states({ flaky: failed(2, 1500) }));
    expect(early.start).toEqual([]);
    expect(early.requeueAfterMs).toBe(500);
    expect(early.runPhase).toBe('RUNNING');
    expect(early.finish).toEqual([]);
    const due = planRun(retried, run(), states({ flaky: failed(2, 2000) }));
    expect(due.start).toEqual([{ stage: 'flaky', attempt: 3 }]);
  });

  it('a retry that succeeds lets the dependents run', () => {
    const plan = planRun(retried, run(), states({ flaky: { ...done, attempt: 2 } }));
    expect(plan.start).toEqual([{ stage: 'next', attempt: 1 }]);
  });

  it('fails the run when the last attempt fails', () => {
    const plan = planRun(retried, run(), states({ flaky: failed(4, 60_000) }));
    expect(plan.start).toEqual([]);
    expect(plan.runPhase).toBe('FAILED');
    expect(plan.finish).toMatchObject([{ stage: 'next', phase: 'SKIPPED' }]);
  });

  it('no retry while paused', () => {
    const plan = planRun(retried, run({ isPaused: true }), states({ flaky: failed(1, 60_000) }));
    expect(plan.start).toEqual([]);
    expect(plan.runPhase).toBe('WAITING');
  });
});

describe('planRun: pause, stop and timeouts', () => {
  it('paused: starts nothing, running stages continue, the run is WAITING', () => {
    const plan = planRun(diamond, run({ isPaused: true }), states({ a: done, b: running }));
    expect(plan).toMatchObject({ start: [], kill: [], finish: [], runPhase: 'WAITING' });
  });

  it('a new paused run is WAITING', () => {
    expect(planRun(diamond, run({ phase: 'PENDING', isPaused: true }), new Map()).runPhase).toBe('WAITING');
  });

  it('resumed: starts what is ready and is RUNNING again', () => {
    const plan = planRun(diamond, run({ phase: 'WAITING' }), states({ a: done }));
    expect(plan.start.map((s) => s.stage)).toEqual(['b', 'c']);
    expect(plan.runPhase).toBe('RUNNING');
  });

  it('a paused run whose stages all finished still ends', () => {
    const plan = planRun(diamond, run({ isPaused: true }), states({ a: done, b: done, c: done, d: done }));
    expect(plan.runPhase).toBe('SUCCEEDED');
  });

  it('stop kills running stages, cancels the rest and cancels the run (stop wins over pause)', () => {
    const plan = planRun(
      diamond,
      run({ isStopRequested: true, isPaused: true }),
      states({ a: done, b: running, c: failed(1) }),
    );
    expect(plan.kill).toEqual([
      { stage: 'b', attempt: 1, phase: 'CANCELLED', reason: 'STOPPED', message: 'killed: the run was stopped' },
    ]);
    expect(plan.finish).toEqual([{ stage: 'd', phase: 'CANCELLED', message: 'not started: the run was stopped' }]);
    expect(plan.start).toEqual([]);
    expect(plan).toMatchObject({ runPhase: 'CANCELLED', runMessage: 'stopped' });
  });

  it('a stage past its timeout is killed as a failed attempt and retried per policy', () => {
    const stages: PlanStage[] = [{ name: 'slow', timeoutMs: 500, retries: 1 }];
    const plan = planRun(stages, run(), states({ slow: { phase: 'RUNNING', attempt: 1, startedAt: ago(600) } }));
    expect(plan.kill).toMatchObject([{ stage: 'slow', attempt: 1, phase: 'FAILED', reason: 'STAGE_TIMEOUT' }]);
    expect(plan.runPhase).toBe('RUNNING');
    expect(plan.requeueAfterMs).toBe(1000);
  });

  it('a stage past its timeout without retries fails the run', () => {
    const stages: PlanStage[] = [{ name: 'slow', timeoutMs: 500 }];
    const plan = planRun(stages, run(), states({ slow: { phase: 'RUNNING', attempt: 1, startedAt: ago(600) } }));
    expect(plan.kill).toHaveLength(1);
    expect(plan.runPhase).toBe('FAILED');
  });

  it('requeues when the earliest stage timeout or run deadline falls due', () => {
    const stages: PlanStage[] = [{ name: 'slow', timeoutMs: 5000 }];
    const state = states({ slow: { phase: 'RUNNING', attempt: 1, startedAt: ago(1000) } });
    expect(planRun(stages, run(), state).requeueAfterMs).toBe(4000);
    expect(planRun(stages, run({ deadline: new Date(NOW.getTime() + 2500) }), state).requeueAfterMs).toBe(2500);
    expect(planRun(stages, run(), states({ slow: running })).requeueAfterMs).toBeGreaterThan(0);
    expect(planRun([{ name: 'x' }], run(), states({ x: running })).requeueAfterMs).toBeUndefined();
  });

  it('past the run deadline: kills running stages as FAILED, cancels the rest, fails the run', () => {
    const plan = planRun(diamond, run({ deadline: ago(1) }), states({ a: done, b: running, c: done }));
    expect(plan.kill).toMatchObject([{ stage: 'b', phase: 'FAILED', reason: 'RUN_TIMEOUT' }]);
    expect(plan.finish).toMatchObject([{ stage: 'd', phase: 'CANCELLED' }]);
    expect(plan).toMatchObject({ start: [], runPhase: 'FAILED', runMessage: 'the run timed out' });
  });

  it('is deterministic: the same stored state gives the same plan (restart-safe)', () => {
    const state = states({ a: done, b: failed(1, 300), c: running });
    const stages = diamond.map((s) => (s.name === 'b' ? { ...s, retries: 2 } : s));
    expect(planRun(stages, run(), state)).toEqual(planRun(stages, run(), state));
  });
});

describe('planRun: retries that reuse stages', () => {
  it('a new retry run with reused SUCCEEDED stages starts only what comes after them', () => {
    const plan = planRun(diamond, run({ phase: 'PENDING' }), states({ a: done, b: done }));
    expect(plan.start).toEqual([{ stage: 'c', attempt: 1 }]);
    expect(plan.runPhase).toBe('RUNNING');
  });

  it('a retry whose every stage is reused succeeds without starting anything', () => {
    const plan = planRun(diamond, run({ phase: 'PENDING' }), states({ a: done, b: done, c: done, d: done }));
    expect(plan.start).toEqual([]);
    expect(plan.runPhase).toBe('SUCCEEDED');
  });

  it('a run admitted from the queue (WAITING, not paused) becomes RUNNING', () => {
    const plan = planRun(diamond, run({ phase: 'WAITING' }), new Map());
    expect(plan.start).toEqual([{ stage: 'a', attempt: 1 }]);
    expect(plan.runPhase).toBe('RUNNING');
  });
});

describe('nextRetryAt', () => {
  const at = new Date('2026-01-01T00:00:00Z');
  it('is the soonest due retry of a failed stage with attempts left, else null', () => {
    const stages = [{ name: 'flaky', retries: 3 }, { name: 'once' }, { name: 'other', retries: 1 }];
    const failed = (stage: string, attempt: number, finishedAt = at) => ({
      stage,
      phase: 'FAILED',
      attempt,
      finishedAt,
    });
    expect(nextRetryAt(stages, [failed('flaky', 2)])).toEqual(new Date(at.getTime() + backoffMs(2)));
    expect(nextRetryAt(stages, [failed('flaky', 4), failed('once', 1)])).toBeNull();
    expect(nextRetryAt(stages, [failed('flaky', 3), failed('other', 1, new Date(at.getTime() + 1_000))])).toEqual(
      new Date(at.getTime() + 1_000 + backoffMs(1)),
    );
    expect(nextRetryAt(stages, [{ stage: 'flaky', phase: 'RUNNING', attempt: 2, finishedAt: null }])).toBeNull();
  });
});
