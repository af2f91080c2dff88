// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Cyclone references, not JS templates
import { describe, expect, it } from 'vitest';
import { fanOut, settleMatrix } from './matrix.js';
import { type PlanRunState, type PlanStage, type PlanStageState, planRun } from './plan.js';

/** Matrix stages in the planner: see the policies at the top of plan.ts. */

const NOW = new Date('2026-12-12T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const done = { phase: 'SUCCEEDED' as const, attempt: 1, exitCode: 0 };
const failed = { phase: 'FAILED' as const, attempt: 1, exitCode: 1, finishedAt: ago(10) };
const running = { phase: 'RUNNING' as const, attempt: 1, startedAt: ago(100) };
const pending = { phase: 'PENDING' as const };

function run(overrides: Partial<PlanRunState> = {}): PlanRunState {
  return { phase: 'RUNNING', isPaused: false, isStopRequested: false, now: NOW, ...overrides };
}

function states(entries: Record<string, Partial<PlanStageState> & { phase: PlanStageState['phase'] }>) {
  return new Map(Object.entries(entries).map(([name, s]) => [name, { attempt: 0, ...s } as PlanStageState]));
}

const axes = [
  [
    { name: 'os', value: 'linux' },
    { name: 'go', value: '1.22' },
  ],
  [
    { name: 'os', value: 'linux' },
    { name: 'go', value: '1.23' },
  ],
  [
    { name: 'os', value: 'darwin' },
    { name: 'go', value: '1.22' },
  ],
];

/** The stages the controller passes once `test` has expanded: the combinations follow the declared stages. */
function workflow(options: Partial<PlanStage> = {}, count = 3): PlanStage[] {
  const test: PlanStage = { name: 'test', dependsOn: ['build'], matrix: { combinations: axes }, ...options };
  const combinations = Array.from({ length: count }, (_, i) => ({
    ...test,
    name: `test.${i}`,
    dependsOn: [],
    matrix: undefined,
    when: undefined,
    matrixOf: 'test',
    matrixValues: axes[i],
  }));
  return [{ name: 'build' }, test, { name: 'deploy', dependsOn: ['test'] }, ...combinations];
}
const declared = (options: Partial<PlanStage> = {}) => workflow(options).slice(0, 3);

describe('planRun: matrix stages', () => {
  it('a ready matrix stage expands into its combinations, runs nothing itself and starts them all', () => {
    const plan = planRun(declared(), run(), states({ build: done }));
    expect(plan.expand).toEqual([{ stage: 'test', combinations: axes }]);
    expect(plan.start).toEqual([
      { stage: 'test.0', attempt: 1 },
      { stage: 'test.1', attempt: 1 },
      { stage: 'test.2', attempt: 1 },
    ]);
    expect(plan.start.map((s) => s.stage)).not.toContain('test');
  });

  it('maxParallel caps how many run at once; one ending lets the next start', () => {
    const stages = declared({ matrix: { combinations: axes, maxParallel: 2 } });
    const first = planRun(stages, run(), states({ build: done }));
    expect(first.start.map((s) => s.stage)).toEqual(['test.0', 'test.1']);
    const all = workflow({ matrix: { combinations: axes, maxParallel: 2 } });
    const busy = planRun(
      all,
      run(),
      states({ build: done, test: running, 'test.0': running, 'test.1': running, 'test.2': pending }),
    );
    expect(busy.start).toEqual([]);
    const freed = planRun(
      all,
      run(),
      states({ build: done, test: running, 'test.0': done, 'test.1': running, 'test.2': pending }),
    );
    expect(freed.start).toEqual([{ stage: 'test.2', attempt: 1 }]);
  });

  it('dependents wait for every combination; the matrix stage then succeeds and they start', () => {
    const stages = workflow();
    const mid = planRun(
      stages,
      run(),
      states({ build: done, test: running, 'test.0': done, 'test.1': running, 'test.2': done }),
    );
    expect(mid.finish).toEqual([]);
    expect(mid.start).toEqual([]);
    const end = planRun(
      stages,
      run(),
      states({ build: done, test: running, 'test.0': done, 'test.1': done, 'test.2': done }),
    );
    expect(end.finish).toEqual([
      { stage: 'test', phase: 'SUCCEEDED', message: '3 of 3 combinations succeeded', attempt: 1 },
    ]);
    expect(end.start).toEqual([{ stage: 'deploy', attempt: 1 }]);
  });

  it('a failed combination fails fast: pending ones are skipped, the stage fails once running ones end, dependents skip', () => {
    const stages = workflow({ matrix: { combinations: axes, maxParallel: 2 } });
    const first = planRun(
      stages,
      run(),
      states({ build: done, test: running, 'test.0': failed, 'test.1': running, 'test.2': pending }),
    );
    expect(first.finish).toEqual([
      { stage: 'deploy', phase: 'SKIPPED', message: 'skipped: stage "test.0" failed' },
      { stage: 'test.2', phase: 'SKIPPED', message: 'skipped: stage "test.0" failed' },
    ]);
    expect(first.start).toEqual([]);
    const end = planRun(
      stages,
      run(),
      states({
        build: done,
        test: running,
        'test.0': failed,
        'test.1': done,
        'test.2': { phase: 'SKIPPED' },
        deploy: { phase: 'SKIPPED' },
      }),
    );
    expect(end.finish[0]).toEqual({
      stage: 'test',
      phase: 'FAILED',
      message: 'combination "test.0" (os=linux, go=1.22) failed',
      attempt: 1,
    });
    expect(end).toMatchObject({ runPhase: 'FAILED', runMessage: 'stage "test" failed' });
  });

  it('each combination is retried on its own; the stage waits for the retry', () => {
    const stages = workflow({ retries: 1 });
    const plan = planRun(
      stages,
      run({ now: new Date(NOW.getTime() + 5_000) }),
      states({ build: done, test: running, 'test.0': failed, 'test.1': done, 'test.2': done }),
    );
    expect(plan.start).toEqual([{ stage: 'test.0', attempt: 2 }]);
    expect(plan.finish).toEqual([]);
  });

  it('a trivial matrix stage whose combination failed fails without failing the run: dependents run', () => {
    const stages = workflow({ trivial: true });
    const plan = planRun(
      stages,
      run(),
      states({ build: done, test: running, 'test.0': failed, 'test.1': running, 'test.2': pending }),
    );
    expect(plan.start).toEqual([{ stage: 'test.2', attempt: 1 }]);
    const end = planRun(
      stages,
      run(),
      states({ build: done, test: running, 'test.0': failed, 'test.1': done, 'test.2': done }),
    );
    expect(end.finish[0]).toMatchObject({ stage: 'test', phase: 'FAILED' });
    expect(end.start).toEqual([{ stage: 'deploy', attempt: 1 }]);
  });

  it('a stop kills running combinations, cancels pending ones and ends the matrix stage CANCELLED', () => {
    const stages = workflow();
    const plan = planRun(
      stages,
      run({ isStopRequested: true }),
      states({ build: done, test: running, 'test.0': done, 'test.1': running, 'test.2': pending }),
    );
    expect(plan.kill).toMatchObject([{ stage: 'test.1', phase: 'CANCELLED', reason: 'STOPPED' }]);
    expect(plan.finish).toEqual(
      expect.arrayContaining([
        { stage: 'test', phase: 'CANCELLED', message: 'stopped with its combinations' },
        expect.objectContaining({ stage: 'test.2', phase: 'CANCELLED' }),
        expect.objectContaining({ stage: 'deploy', phase: 'CANCELLED' }),
      ]),
    );
  });

  it('the run timeout fails the matrix stage for good and kills its combinations', () => {
    const stages = workflow({ retries: 2 });
    const plan = planRun(
      stages,
      run({ deadline: ago(1) }),
      states({ build: done, test: running, 'test.0': running, 'test.1': done, 'test.2': pending }),
    );
    expect(plan.finish).toEqual(
      expect.arrayContaining([{ stage: 'test', phase: 'FAILED', message: 'the run timed out', attempt: 3 }]),
    );
    expect(plan.kill).toMatchObject([{ stage: 'test.0', reason: 'RUN_TIMEOUT' }]);
    expect(plan.runPhase).toBe('FAILED');
  });

  it('a combination times out on its own timeout; the matrix stage never does', () => {
    const stages = workflow({ timeoutMs: 50 });
    const plan = planRun(
      stages,
      run(),
      states({ build: done, test: running, 'test.0': running, 'test.1': done, 'test.2': done }),
    );
    expect(plan.kill).toEqual([
      {
        stage: 'test.0',
        attempt: 1,
        phase: 'FAILED',
        reason: 'STAGE_TIMEOUT',
        message: 'attempt 1 timed out after 50 ms',
      },
    ]);
  });

  it('matrixFrom expands from the upstream output when the stage is ready', () => {
    const stages: PlanStage[] = [
      { name: 'list' },
      { name: 'deploy', dependsOn: ['list'], matrix: { from: '${stages.list.outputs.targets}' } },
    ];
    const outputs = [{ key: 'targets', value: '[{"region":"eu"},{"region":"us"}]' }];
    const plan = planRun(stages, run(), states({ list: { ...done, outputs } }));
    expect(plan.expand).toEqual([
      { stage: 'deploy', combinations: [[{ name: 'region', value: 'eu' }], [{ name: 'region', value: 'us' }]] },
    ]);
    expect(plan.start.map((s) => s.stage)).toEqual(['deploy.0', 'deploy.1']);
  });

  it('a bad matrixFrom list fails the stage for good; an empty one skips it and its only dependents', () => {
    const stages: PlanStage[] = [
      { name: 'list' },
      { name: 'deploy', dependsOn: ['list'], retries: 2, matrix: { from: '${stages.list.outputs.targets}' } },
      { name: 'notify', dependsOn: ['deploy'] },
    ];
    const bad = planRun(stages, run(), states({ list: { ...done, outputs: [{ key: 'targets', value: '{"a":1}' }] } }));
    expect(bad.finish[0]).toEqual({
      stage: 'deploy',
      phase: 'FAILED',
      message: 'matrixFrom ${stages.list.outputs.targets} is not a JSON list',
      attempt: 3,
    });
    const missing = planRun(stages, run(), states({ list: done }));
    expect(missing.finish[0]).toMatchObject({
      phase: 'FAILED',
      message: 'matrixFrom: stage "list" has no output "targets"',
    });
    const empty = planRun(stages, run(), states({ list: { ...done, outputs: [{ key: 'targets', value: '[]' }] } }));
    expect(empty.finish).toEqual([
      { stage: 'deploy', phase: 'SKIPPED', message: 'skipped: the matrix has no combination' },
    ]);
    const next = planRun(stages, run(), states({ list: done, deploy: { phase: 'SKIPPED' } }));
    expect(next.finish).toEqual([
      { stage: 'notify', phase: 'SKIPPED', message: 'skipped: every upstream stage was skipped' },
    ]);
    expect(next.runPhase).toBe('SUCCEEDED');
  });

  it('a false condition skips the matrix stage without expanding it', () => {
    const plan = planRun(declared({ when: 'false' }), run(), states({ build: done }));
    expect(plan.expand).toEqual([]);
    expect(plan.finish[0]).toMatchObject({ stage: 'test', phase: 'SKIPPED' });
  });

  it('a finally matrix stage expands after the others and its combinations respect maxParallel', () => {
    const stages: PlanStage[] = [
      { name: 'build' },
      { name: 'cleanup', finally: true, matrix: { combinations: axes, maxParallel: 1 } },
    ];
    const plan = planRun(stages, run(), states({ build: failed }));
    expect(plan.expand).toHaveLength(1);
    expect(plan.start).toEqual([{ stage: 'cleanup.0', attempt: 1 }]);
  });
});

describe('fanOut and settleMatrix', () => {
  const outputs = (value: string) => () => [{ key: 'k', value }];
  it('reads scalars as the axis item and objects as axes', () => {
    expect(fanOut({ from: '${stages.s.outputs.k}' }, outputs('["a", 2, true]'))).toEqual({
      combinations: [[{ name: 'item', value: 'a' }], [{ name: 'item', value: '2' }], [{ name: 'item', value: 'true' }]],
    });
    expect(fanOut({ from: '${stages.s.outputs.k}' }, outputs('[{"a":[1]}]'))).toEqual({
      error: 'matrixFrom ${stages.s.outputs.k} item 0 must be an object of strings, numbers or booleans',
    });
    expect(
      fanOut({ from: '${stages.s.outputs.k}' }, outputs(JSON.stringify(Array.from({ length: 257 }, () => 'x')))),
    ).toEqual({
      error: 'matrixFrom ${stages.s.outputs.k} gives 257 combinations; at most 256 are allowed',
    });
  });

  it('the first failure decides, then a cancellation, else success', () => {
    expect(
      settleMatrix([
        { name: 'a.0', phase: 'CANCELLED' },
        { name: 'a.1', phase: 'FAILED' },
      ]),
    ).toEqual({
      phase: 'FAILED',
      message: 'combination "a.1" failed',
    });
    expect(
      settleMatrix([
        { name: 'a.0', phase: 'SUCCEEDED' },
        { name: 'a.1', phase: 'CANCELLED' },
      ]).phase,
    ).toBe('CANCELLED');
    expect(
      settleMatrix([
        { name: 'a.0', phase: 'SUCCEEDED' },
        { name: 'a.1', phase: 'SKIPPED' },
      ]),
    ).toEqual({
      phase: 'SUCCEEDED',
      message: '1 of 2 combinations succeeded',
    });
  });
});
