import { describe, expect, it } from 'vitest';
import { type PlanRunState, type PlanStage, type PlanStageState, planRun } from './plan.js';

/** Finally stages in the planner: see the policies at the top of plan.ts. */

const NOW = new Date('2026-12-12T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const done = { phase: 'SUCCEEDED' as const, attempt: 1, exitCode: 0 };
const failed = { phase: 'FAILED' as const, attempt: 1, exitCode: 1, finishedAt: ago(10) };
const running = { phase: 'RUNNING' as const, attempt: 1, startedAt: ago(100) };

function run(overrides: Partial<PlanRunState> = {}): PlanRunState {
  return { phase: 'RUNNING', isPaused: false, isStopRequested: false, now: NOW, ...overrides };
}

function states(entries: Record<string, Partial<PlanStageState> & { phase: PlanStageState['phase'] }>) {
  return new Map(Object.entries(entries).map(([name, s]) => [name, { attempt: 0, ...s } as PlanStageState]));
}

const stages: PlanStage[] = [
  { name: 'build' },
  { name: 'test', dependsOn: ['build'] },
  { name: 'cleanup', finally: true },
  { name: 'report', finally: true, dependsOn: ['cleanup'] },
];

describe('planRun: finally stages', () => {
  it('do not start while an ordinary stage is pending or running', () => {
    const first = planRun(stages, run({ phase: 'PENDING' }), new Map());
    expect(first.start).toEqual([{ stage: 'build', attempt: 1 }]);
    const mid = planRun(stages, run(), states({ build: done, test: running }));
    expect(mid.start).toEqual([]);
    expect(mid.runPhase).toBe('RUNNING');
  });

  it('start once every ordinary stage succeeded, in their own order, and the run succeeds after them', () => {
    const ready = planRun(stages, run(), states({ build: done, test: done }));
    expect(ready.start).toEqual([{ stage: 'cleanup', attempt: 1 }]);
    expect(ready.runPhase).toBe('RUNNING');
    const next = planRun(stages, run(), states({ build: done, test: done, cleanup: done }));
    expect(next.start).toEqual([{ stage: 'report', attempt: 1 }]);
    const end = planRun(stages, run(), states({ build: done, test: done, cleanup: done, report: done }));
    expect(end).toMatchObject({ runPhase: 'SUCCEEDED' });
  });

  it('run after a failure (dependents skipped), and the run is FAILED for the first failure', () => {
    const plan = planRun(stages, run(), states({ build: failed }));
    expect(plan.finish).toMatchObject([{ stage: 'test', phase: 'SKIPPED' }]);
    expect(plan.start).toEqual([{ stage: 'cleanup', attempt: 1 }]);
    expect(plan.runPhase).toBe('RUNNING');
    const end = planRun(
      stages,
      run(),
      states({ build: failed, test: { phase: 'SKIPPED' }, cleanup: done, report: done }),
    );
    expect(end).toMatchObject({ runPhase: 'FAILED', runMessage: 'stage "build" failed' });
  });

  it('a failed finally stage fails a successful run, and does not hold its own dependents', () => {
    const plan = planRun(stages, run(), states({ build: done, test: done, cleanup: failed }));
    expect(plan.start).toEqual([{ stage: 'report', attempt: 1 }]);
    const end = planRun(stages, run(), states({ build: done, test: done, cleanup: failed, report: done }));
    expect(end).toMatchObject({ runPhase: 'FAILED', runMessage: 'finally stage "cleanup" failed' });
  });

  it('a trivial finally stage that fails changes nothing; a finally stage is retried per policy', () => {
    const trivial: PlanStage[] = [{ name: 'a' }, { name: 'z', finally: true, trivial: true }];
    expect(planRun(trivial, run(), states({ a: done, z: failed })).runPhase).toBe('SUCCEEDED');
    const retried: PlanStage[] = [{ name: 'a' }, { name: 'z', finally: true, retries: 1 }];
    const plan = planRun(retried, run(), states({ a: done, z: { ...failed, finishedAt: ago(5000) } }));
    expect(plan.start).toEqual([{ stage: 'z', attempt: 2 }]);
  });

  it("their condition sees run.phase: the other stages' outcome", () => {
    const onFailure: PlanStage[] = [{ name: 'a' }, { name: 'alert', finally: true, when: "run.phase == 'FAILED'" }];
    const afterSuccess = planRun(onFailure, run(), states({ a: done }));
    expect(afterSuccess.finish).toEqual([
      { stage: 'alert', phase: 'SKIPPED', message: "skipped: when run.phase == 'FAILED' is false" },
    ]);
    expect(afterSuccess.runPhase).toBe('SUCCEEDED');
    const afterFailure = planRun(onFailure, run(), states({ a: failed }));
    expect(afterFailure.start).toEqual([{ stage: 'alert', attempt: 1 }]);
  });

  it('stop: ordinary stages are killed and cancelled, finally stages run, the run is CANCELLED after them', () => {
    const plan = planRun(stages, run({ isStopRequested: true }), states({ build: running }));
    expect(plan.kill).toMatchObject([{ stage: 'build', phase: 'CANCELLED', reason: 'STOPPED' }]);
    expect(plan.finish).toMatchObject([{ stage: 'test', phase: 'CANCELLED' }]);
    expect(plan.start).toEqual([{ stage: 'cleanup', attempt: 1 }]);
    expect(plan.runPhase).toBe('RUNNING');
    const stopped = states({ build: { phase: 'CANCELLED', attempt: 1 }, test: { phase: 'CANCELLED' } });
    const later = planRun(stages, run({ isStopRequested: true }), new Map([...stopped, ['cleanup', running]]));
    expect(later).toMatchObject({ kill: [], start: [], runPhase: 'RUNNING' });
    const end = planRun(
      stages,
      run({ isStopRequested: true }),
      new Map([...stopped, ['cleanup', done], ['report', failed]]),
    );
    expect(end).toMatchObject({ runPhase: 'CANCELLED', runMessage: 'stopped' });
  });

  it('stop wins over pause for finally stages', () => {
    const plan = planRun(stages, run({ isStopRequested: true, isPaused: true }), states({ build: running }));
    expect(plan.start).toEqual([{ stage: 'cleanup', attempt: 1 }]);
    expect(plan.runPhase).toBe('RUNNING');
  });

  it('a pause holds finally stages otherwise', () => {
    const plan = planRun(stages, run({ isPaused: true }), states({ build: done, test: done }));
    expect(plan).toMatchObject({ start: [], runPhase: 'WAITING' });
  });

  it('a second stop kills finally stages and ends the run at once', () => {
    const plan = planRun(
      stages,
      run({ isStopRequested: true, isStopForced: true }),
      states({ build: { phase: 'CANCELLED', attempt: 1 }, test: { phase: 'CANCELLED' }, cleanup: running }),
    );
    expect(plan.kill).toMatchObject([{ stage: 'cleanup', phase: 'CANCELLED', reason: 'STOPPED' }]);
    expect(plan.finish).toMatchObject([{ stage: 'report', phase: 'CANCELLED' }]);
    expect(plan).toMatchObject({ runPhase: 'CANCELLED', runMessage: 'stopped' });
  });

  it('a stop before any stage started cancels everything, finally stages too', () => {
    const plan = planRun(stages, run({ phase: 'PENDING', isStopRequested: true }), new Map());
    expect(plan.start).toEqual([]);
    expect(plan.finish.map((f) => [f.stage, f.phase])).toEqual([
      ['build', 'CANCELLED'],
      ['test', 'CANCELLED'],
      ['cleanup', 'CANCELLED'],
      ['report', 'CANCELLED'],
    ]);
    expect(plan.runPhase).toBe('CANCELLED');
  });

  it('the run timeout kills finally stages too and fails the run', () => {
    const plan = planRun(stages, run({ deadline: ago(1) }), states({ build: done, test: done, cleanup: running }));
    expect(plan.kill).toMatchObject([{ stage: 'cleanup', phase: 'FAILED', reason: 'RUN_TIMEOUT' }]);
    expect(plan).toMatchObject({ runPhase: 'FAILED', runMessage: 'the run timed out' });
  });

  it('a finally stage past its own timeout is killed as a failed attempt', () => {
    const timed: PlanStage[] = [{ name: 'a' }, { name: 'z', finally: true, timeoutMs: 50 }];
    const plan = planRun(timed, run(), states({ a: done, z: running }));
    expect(plan.kill).toMatchObject([{ stage: 'z', phase: 'FAILED', reason: 'STAGE_TIMEOUT' }]);
    expect(plan).toMatchObject({ runPhase: 'FAILED', runMessage: 'finally stage "z" failed' });
  });

  it('a finally stage may depend on an ordinary one and runs whatever its outcome', () => {
    const mixed: PlanStage[] = [
      { name: 'a' },
      { name: 'b', dependsOn: ['a'] },
      { name: 'z', finally: true, dependsOn: ['b'] },
    ];
    const plan = planRun(mixed, run(), states({ a: failed }));
    expect(plan.finish).toMatchObject([{ stage: 'b', phase: 'SKIPPED' }]);
    expect(plan.start).toEqual([{ stage: 'z', attempt: 1 }]);
  });
});
