import { describe, expect, it } from 'vitest';
import { EMPTY_TRIGGER } from './condition.js';
import { type PlanRunState, type PlanStage, type PlanStageState, planRun } from './plan.js';

/** Stage conditions (`when`) in the planner: see the policies at the top of plan.ts. */

const NOW = new Date('2026-12-12T12:00:00.000Z');
const done = { phase: 'SUCCEEDED' as const, attempt: 1, exitCode: 0 };

function run(overrides: Partial<PlanRunState> = {}): PlanRunState {
  return {
    phase: 'RUNNING',
    isPaused: false,
    isStopRequested: false,
    now: NOW,
    facts: {
      variables: { ENV: 'prod' },
      params: { SCM_BRANCH: 'main' },
      trigger: { ...EMPTY_TRIGGER, type: 'SCM', branch: 'main' },
    },
    ...overrides,
  };
}

function states(entries: Record<string, Partial<PlanStageState> & { phase: PlanStageState['phase'] }>) {
  return new Map(Object.entries(entries).map(([name, s]) => [name, { attempt: 0, ...s } as PlanStageState]));
}

const gated = (when: string): PlanStage[] => [
  { name: 'build' },
  { name: 'deploy', dependsOn: ['build'], when },
  { name: 'notify', dependsOn: ['deploy'] },
];

describe('planRun: conditions', () => {
  it('a true condition over an upstream output starts the stage', () => {
    const plan = planRun(
      gated("stages['build'].outputs['ship'] == 'yes'"),
      run(),
      states({ build: { ...done, outputs: [{ key: 'ship', value: 'yes' }] } }),
    );
    expect(plan.start).toEqual([{ stage: 'deploy', attempt: 1 }]);
    expect(plan.finish).toEqual([]);
  });

  it('a false condition skips the stage with the reason, its only dependents too, and the run succeeds', () => {
    const plan = planRun(
      gated("stages['build'].outputs['ship'] == 'yes'"),
      run(),
      states({ build: { ...done, outputs: [{ key: 'ship', value: 'no' }] } }),
    );
    expect(plan.start).toEqual([]);
    expect(plan.finish).toEqual([
      { stage: 'deploy', phase: 'SKIPPED', message: "skipped: when stages['build'].outputs['ship'] == 'yes' is false" },
      { stage: 'notify', phase: 'SKIPPED', message: 'skipped: every upstream stage was skipped' },
    ]);
    expect(plan.runPhase).toBe('SUCCEEDED');
  });

  it('conditions over the trigger, variables and params', () => {
    const when = (expression: string) =>
      planRun([{ name: 'only', when: expression }], run({ phase: 'PENDING' }), new Map());
    expect(when("trigger.branch == 'main' && trigger.type == 'SCM'").start).toHaveLength(1);
    expect(when("variables['ENV'] == 'staging'").finish).toMatchObject([{ stage: 'only', phase: 'SKIPPED' }]);
    expect(when("params['SCM_BRANCH'] == 'main'").start).toHaveLength(1);
    expect(when("run.phase == 'RUNNING'").start).toHaveLength(1);
  });

  it('a stage with one succeeded and one skipped upstream stage runs', () => {
    const stages: PlanStage[] = [{ name: 'a' }, { name: 'b', when: 'false' }, { name: 'c', dependsOn: ['a', 'b'] }];
    const first = planRun(stages, run({ phase: 'PENDING' }), new Map());
    expect(first.start).toEqual([{ stage: 'a', attempt: 1 }]);
    expect(first.finish).toMatchObject([{ stage: 'b', phase: 'SKIPPED' }]);
    const next = planRun(stages, run(), states({ a: done, b: { phase: 'SKIPPED' } }));
    expect(next.start).toEqual([{ stage: 'c', attempt: 1 }]);
  });

  it('an evaluation error fails the stage for good with the message, and the run fails fast', () => {
    const stages: PlanStage[] = [
      { name: 'a', when: "variables['MISSING'] == 'x'", retries: 3 },
      { name: 'b' },
      { name: 'c', dependsOn: ['b'] },
    ];
    const plan = planRun(stages, run({ phase: 'PENDING' }), new Map());
    expect(plan.finish[0]).toEqual({
      stage: 'a',
      phase: 'FAILED',
      message: 'condition could not be evaluated: No such key: MISSING',
      attempt: 4,
    });
    expect(plan.start).toEqual([]);
    expect(plan.finish.slice(1)).toMatchObject([
      { stage: 'b', phase: 'SKIPPED' },
      { stage: 'c', phase: 'SKIPPED' },
    ]);
    expect(plan).toMatchObject({ runPhase: 'FAILED', runMessage: 'stage "a" failed' });
  });

  it('an evaluation error in a trivial stage does not fail the run', () => {
    const stages: PlanStage[] = [
      { name: 'a', when: "variables['MISSING'] == 'x'", trivial: true },
      { name: 'b', dependsOn: ['a'] },
    ];
    const plan = planRun(stages, run({ phase: 'PENDING' }), new Map());
    expect(plan.finish).toMatchObject([{ stage: 'a', phase: 'FAILED' }]);
    expect(plan.start).toEqual([{ stage: 'b', attempt: 1 }]);
  });

  it('is evaluated only when the stage is ready: not while upstream runs, not while paused', () => {
    const stages = gated("stages['build'].phase == 'SUCCEEDED'");
    expect(planRun(stages, run(), states({ build: { phase: 'RUNNING', attempt: 1 } })).finish).toEqual([]);
    const paused = planRun(stages, run({ isPaused: true }), states({ build: done }));
    expect(paused).toMatchObject({ start: [], finish: [], runPhase: 'WAITING' });
  });

  it('sees the phase of other stages (a trivial failure)', () => {
    const stages: PlanStage[] = [
      { name: 'lint', trivial: true },
      { name: 'report', dependsOn: ['lint'], when: "stages['lint'].phase == 'FAILED'" },
    ];
    const plan = planRun(stages, run(), states({ lint: { phase: 'FAILED', attempt: 1 } }));
    expect(plan.start).toEqual([{ stage: 'report', attempt: 1 }]);
  });
});
