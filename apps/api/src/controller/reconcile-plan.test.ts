// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import type { RunPlan } from '@cyclone/dag';
import { describe, expect, it } from 'vitest';
import { type AppliedPlan, conditionFacts, reconcileOutcome } from './reconcile-plan.js';
import type { LockedRun, StageRow } from './reconcile-store.js';

const now = new Date('2026-11-26T04:00:00Z');
const run: LockedRun = {
  id: 'r',
  number: 1,
  workflowId: 'w',
  workflowName: 'ship',
  versionId: 'v',
  phase: 'RUNNING',
  message: '',
  parameters: [],
  timeoutSeconds: null,
  stopRequestedAt: null,
  stopForcedAt: null,
  trigger: 'MANUAL',
  pausedAt: null,
  retryOfId: null,
  retryOfNumber: null,
  createdAt: now,
  startedAt: new Date('2026-11-26T03:59:00Z'),
  parentRunId: null,
  parentStage: null,
  parentAttempt: null,
  startStages: [],
  endStages: [],
  acceleration: false,
  serviceAccount: null,
  volumes: [],
  traceParent: null,
};
const stage = (phase: StageRow['phase']): StageRow => ({
  id: 's',
  runId: 'r',
  stage: 'build',
  phase,
  attempt: 1,
  exitCode: null,
  message: '',
  outputs: [],
  startedAt: now,
  finishedAt: null,
  handle: 'h',
  matrixOf: null,
  matrix: [],
});
const plan = (overrides: Partial<RunPlan>): RunPlan => ({
  start: [],
  wait: [],
  expand: [],
  kill: [],
  finish: [],
  runPhase: 'RUNNING',
  ...overrides,
});
const facts = (overrides: Partial<AppliedPlan>): AppliedPlan => ({
  run,
  plan: plan({}),
  rows: new Map([['build', stage('RUNNING')]]),
  handles: [],
  isStageChanged: false,
  startFailures: 0,
  now,
  resyncMs: 5_000,
  ...overrides,
});

describe('reconcileOutcome', () => {
  it('writes and announces nothing when nothing changed, and looks again after a resync interval', () => {
    const outcome = reconcileOutcome(facts({}));
    expect(outcome.write).toEqual({ handles: [], isNotified: false });
    expect(outcome).toMatchObject({ isTerminal: false, requeueAfterMs: 5_000, isResyncEnough: true });
  });

  it('sets startedAt once, with the handles of the stages it started, and announces it', () => {
    const handles = [{ stage: 'build', handle: 'local:h' }];
    const outcome = reconcileOutcome(
      facts({
        run: { ...run, phase: 'PENDING', startedAt: null },
        plan: plan({ start: [{ stage: 'build', attempt: 1 }] }),
        rows: new Map([['build', stage('PENDING')]]),
        handles,
      }),
    );
    expect(outcome.write).toEqual({ handles, isNotified: true, run: { phase: 'RUNNING', startedAt: now } });
    expect(outcome.requeueAfterMs).toBe(5_000);
  });

  it('ends the run with finishedAt and its message, and wants no further pass', () => {
    const outcome = reconcileOutcome(
      facts({
        plan: plan({ runPhase: 'FAILED', runMessage: 'stage build failed' }),
        rows: new Map([['build', stage('FAILED')]]),
        isStageChanged: true,
      }),
    );
    expect(outcome.write.run).toEqual({ phase: 'FAILED', message: 'stage build failed', finishedAt: now });
    expect(outcome).toMatchObject({ isTerminal: true, requeueAfterMs: undefined });
    expect(outcome.write.isNotified).toBe(true);
  });

  it('looks again at once after a kill or a failed start, and at the planner’s time otherwise', () => {
    const killed = plan({
      kill: [{ stage: 'build', attempt: 1, phase: 'FAILED', reason: 'STAGE_TIMEOUT', message: 'timed out' }],
    });
    expect(reconcileOutcome(facts({ plan: killed })).requeueAfterMs).toBe(0);
    expect(reconcileOutcome(facts({ startFailures: 1 })).requeueAfterMs).toBe(0);
    const waiting = plan({ requeueAfterMs: 2_000 });
    expect(reconcileOutcome(facts({ plan: waiting, rows: new Map([['build', stage('FAILED')]]) })).requeueAfterMs).toBe(
      2_000,
    );
    expect(reconcileOutcome(facts({ plan: plan({ requeueAfterMs: 9_000 }) })).requeueAfterMs).toBe(5_000);
  });

  it('tells a time the run needs (kill, failed start, backoff) from the resync while something runs', () => {
    const killed = plan({
      kill: [{ stage: 'build', attempt: 1, phase: 'CANCELLED', reason: 'STOPPED', message: 'stopped' }],
    });
    expect(reconcileOutcome(facts({ plan: killed })).isResyncEnough).toBe(false);
    expect(reconcileOutcome(facts({ startFailures: 1 })).isResyncEnough).toBe(false);
    const backoff = reconcileOutcome(facts({ plan: plan({ requeueAfterMs: 2_000 }) }));
    expect(backoff).toMatchObject({ requeueAfterMs: 2_000, isResyncEnough: false });
    const later = reconcileOutcome(facts({ plan: plan({ requeueAfterMs: 9_000 }) }));
    expect(later).toMatchObject({ requeueAfterMs: 5_000, isResyncEnough: true });
    const idle = reconcileOutcome(facts({ rows: new Map([['build', stage('FAILED')]]) }));
    expect(idle).toMatchObject({ requeueAfterMs: undefined, isResyncEnough: false });
  });

  it('writes a changed message even when the phase stays', () => {
    const outcome = reconcileOutcome(facts({ plan: plan({ runMessage: 'waiting for a retry' }) }));
    expect(outcome.write.run).toEqual({ phase: 'RUNNING', message: 'waiting for a retry' });
    expect(outcome.write.isNotified).toBe(false);
  });
});

describe('conditionFacts', () => {
  it("gives conditions the run's variables, parameters and trigger, never a secret's value", () => {
    const scm = {
      ...run,
      trigger: 'SCM',
      parameters: [
        { name: 'variables.ENV', value: 'prod' },
        { name: 'SCM_BRANCH', value: 'main' },
        { name: 'SCM_REVISION', value: 'abc123' },
        { name: 'SCM_EVENT', value: 'push' },
        { name: 'SCM_AUTHOR', value: 'ann' },
      ],
    };
    const spec = {
      globalVariables: [
        { name: 'ENV', value: 'dev' },
        { name: 'TOKEN', value: '${secrets.registry.password}' },
      ],
    };
    expect(conditionFacts(scm, spec)).toEqual({
      variables: { ENV: 'prod', TOKEN: '${secrets.registry.password}' },
      params: {
        'variables.ENV': 'prod',
        SCM_BRANCH: 'main',
        SCM_REVISION: 'abc123',
        SCM_EVENT: 'push',
        SCM_AUTHOR: 'ann',
      },
      trigger: { type: 'SCM', branch: 'main', tag: '', event: 'push', commit: 'abc123', author: 'ann' },
    });
    expect(conditionFacts(run, { globalVariables: [] }).trigger).toEqual({
      type: 'MANUAL',
      branch: '',
      tag: '',
      event: '',
      commit: '',
      author: '',
    });
  });
});
