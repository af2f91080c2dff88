import { describe, expect, it } from 'vitest';
import { backoffMs, type PlanRunState, type PlanStage, type PlanStageState, planRun } from './plan.js';

/** Delegated stages in the planner: see the policies at the top of plan.ts. */

const NOW = new Date('2026-12-20T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const done = { phase: 'SUCCEEDED' as const, attempt: 1, exitCode: 0 };
const MINUTE = 60_000;

function run(overrides: Partial<PlanRunState> = {}): PlanRunState {
  return { phase: 'RUNNING', isPaused: false, isStopRequested: false, now: NOW, ...overrides };
}

function states(entries: Record<string, Partial<PlanStageState> & { phase: PlanStageState['phase'] }>) {
  return new Map(Object.entries(entries).map(([name, s]) => [name, { attempt: 0, ...s } as PlanStageState]));
}

const stages: PlanStage[] = [
  { name: 'build' },
  { name: 'jenkins', dependsOn: ['build'], delegation: true, retries: 1, timeoutMs: 10 * MINUTE },
  { name: 'deploy', dependsOn: ['jenkins'] },
];
const waiting = (attempt = 1, since = ago(MINUTE)) => ({ phase: 'WAITING' as const, attempt, startedAt: since });

describe('planRun: delegated stages', () => {
  it('a ready delegated stage starts (the work is handed over) and the run wakes at its timeout', () => {
    const plan = planRun(stages, run(), states({ build: done }));
    expect(plan.start).toEqual([{ stage: 'jenkins', attempt: 1 }]);
    expect(plan.wait).toEqual([]);
    expect(plan.runPhase).toBe('RUNNING');
    expect(plan.requeueAfterMs).toBe(10 * MINUTE);
  });

  it('waits for its callback: nothing starts after it, the run is not over, the timeout is the next wake-up', () => {
    const plan = planRun(stages, run(), states({ build: done, jenkins: waiting() }));
    expect(plan).toMatchObject({ start: [], finish: [], kill: [], runPhase: 'RUNNING' });
    expect(plan.requeueAfterMs).toBe(9 * MINUTE);
  });

  it('its timeout fails the attempt, and the retry hands the work over again after the backoff', () => {
    const timedOut = planRun(stages, run(), states({ build: done, jenkins: waiting(1, ago(10 * MINUTE)) }));
    expect(timedOut.finish).toEqual([
      {
        stage: 'jenkins',
        phase: 'FAILED',
        attempt: 1,
        message: 'attempt 1 timed out after 600000 ms without an answer from the delegation',
      },
    ]);
    expect(timedOut.start).toEqual([]);
    expect(timedOut.runPhase).toBe('RUNNING');
    expect(timedOut.requeueAfterMs).toBe(backoffMs(1));

    const failed = { phase: 'FAILED' as const, attempt: 1, finishedAt: ago(backoffMs(1)) };
    const retried = planRun(stages, run(), states({ build: done, jenkins: failed }));
    expect(retried.start).toEqual([{ stage: 'jenkins', attempt: 2 }]);
  });

  it('a callback that succeeded lets its dependents start', () => {
    const plan = planRun(stages, run(), states({ build: done, jenkins: { ...done, outputs: [] } }));
    expect(plan.start).toEqual([{ stage: 'deploy', attempt: 1 }]);
  });

  it('failed for good (no attempts left) it fails the run', () => {
    const failed = { phase: 'FAILED' as const, attempt: 2, finishedAt: ago(1_000) };
    const plan = planRun(stages, run(), states({ build: done, jenkins: failed }));
    expect(plan.finish).toEqual([
      { stage: 'deploy', phase: 'SKIPPED', message: 'skipped: upstream stage "jenkins" did not succeed' },
    ]);
    expect(plan.runPhase).toBe('FAILED');
  });

  it('a stop cancels the waiting attempt (no late callback counts) and the run ends CANCELLED', () => {
    const plan = planRun(stages, run({ isStopRequested: true }), states({ build: done, jenkins: waiting() }));
    expect(plan.finish).toEqual(
      expect.arrayContaining([
        { stage: 'jenkins', phase: 'CANCELLED', message: 'not completed: the run was stopped' },
        { stage: 'deploy', phase: 'CANCELLED', message: 'not started: the run was stopped' },
      ]),
    );
    expect(plan.kill).toEqual([]);
    expect(plan.runPhase).toBe('CANCELLED');
  });

  it('the run timeout fails it with the rest', () => {
    const plan = planRun(stages, run({ deadline: ago(1) }), states({ build: done, jenkins: waiting() }));
    expect(plan.finish).toContainEqual({
      stage: 'jenkins',
      phase: 'FAILED',
      attempt: 1,
      message: 'not completed: the run timed out',
    });
    expect(plan.runPhase).toBe('FAILED');
  });

  it('runs on when a parallel stage fails (unlike an approval gate, which is skipped)', () => {
    const parallel: PlanStage[] = [
      { name: 'jenkins', delegation: true },
      { name: 'gate', approval: { count: 1 } },
      { name: 'lint' },
    ];
    const plan = planRun(
      parallel,
      run(),
      states({
        jenkins: waiting(),
        gate: { phase: 'WAITING', attempt: 1, startedAt: ago(MINUTE), decisions: [] },
        lint: { phase: 'FAILED', attempt: 1, exitCode: 1, finishedAt: ago(1_000) },
      }),
    );
    expect(plan.finish).toEqual([{ stage: 'gate', phase: 'SKIPPED', message: 'skipped: stage "lint" failed' }]);
    expect(plan.runPhase).toBe('RUNNING');
  });

  it('paused, a waiting delegation still ends by its callback, and nothing new starts', () => {
    const plan = planRun(stages, run({ isPaused: true }), states({ build: done, jenkins: { ...done } }));
    expect(plan.start).toEqual([]);
    expect(plan.runPhase).toBe('WAITING');
  });
});
