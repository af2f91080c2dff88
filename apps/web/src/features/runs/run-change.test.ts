import { describe, expect, it } from 'vitest';
import { mergeRunAnswer, mergeRunChange } from './run-change';
import type { Run, RunChange, StageRun } from './runs.documents';

const stage = (name: string, phase: StageRun['phase']): StageRun => ({
  name,
  phase,
  attempt: 1,
  exitCode: null,
  message: '',
  startedAt: null,
  finishedAt: null,
  matrixOf: null,
  matrix: [],
  outputs: [],
  approval: null,
  childRun: null,
});

const run: Run = {
  id: 'r1',
  number: 7,
  phase: 'RUNNING',
  message: '',
  isPaused: false,
  isStopping: false,
  wait: null,
  approvalRequest: null,
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: '2026-01-01T00:00:01Z',
  finishedAt: null,
  timeoutSeconds: null,
  acceleration: false,
  serviceAccount: null,
  volumes: [],
  workflow: { name: 'build' },
  projectName: 'shop',
  tenantName: 'acme',
  workflowVersion: 3,
  parameters: [{ name: 'REF', value: 'main' }],
  graph: [
    {
      name: 'a',
      image: 'alpine',
      dependsOn: [],
      trivial: false,
      finally: false,
      when: null,
      approval: null,
      workflow: null,
      delegation: null,
      matrix: [],
      matrixFrom: null,
      maxParallel: null,
    },
  ],
  stages: [stage('a', 'RUNNING')],
  retryOf: null,
  overriddenStages: [],
  parent: null,
  artifacts: [],
};

const change = (patch: Partial<RunChange>): { workflowRunUpdated: RunChange } => ({
  workflowRunUpdated: {
    id: 'r1',
    phase: 'RUNNING',
    message: '',
    isPaused: false,
    isStopping: false,
    wait: null,
    approvalRequest: null,
    startedAt: run.startedAt,
    finishedAt: null,
    stages: run.stages,
    artifacts: [],
    ...patch,
  },
});

describe('mergeRunChange', () => {
  it('takes the changing fields from the event and keeps the rest of the run', () => {
    const merged = mergeRunChange(
      { workflowRun: run },
      change({ phase: 'CANCELLED', finishedAt: '2026-01-01T00:01:00Z', stages: [stage('a', 'CANCELLED')] }),
    )?.workflowRun;
    expect(merged?.phase).toBe('CANCELLED');
    expect(merged?.finishedAt).toBe('2026-01-01T00:01:00Z');
    expect(merged?.stages.map((s) => s.phase)).toEqual(['CANCELLED']);
    // What events leave out stays, as the same objects (the DAG's layout input is untouched).
    expect(merged?.graph).toBe(run.graph);
    expect(merged?.parameters).toBe(run.parameters);
    expect(merged).toMatchObject({ number: 7, projectName: 'shop', workflowVersion: 3 });
  });

  it('ignores an event when no run is cached, or for another run', () => {
    expect(mergeRunChange(undefined, change({}))).toBeUndefined();
    const empty = { workflowRun: null };
    expect(mergeRunChange(empty, change({}))).toBe(empty);
    const cached = { workflowRun: run };
    expect(mergeRunChange(cached, { workflowRunUpdated: { ...change({}).workflowRunUpdated, id: 'r2' } })).toBe(cached);
  });
});

describe('mergeRunAnswer', () => {
  const cancelled: Run = {
    ...run,
    phase: 'CANCELLED',
    finishedAt: '2026-01-01T00:01:00Z',
    stages: [stage('a', 'CANCELLED')],
  };
  const stopping: Run = { ...run, message: 'stop requested' };

  it('keeps a cached ended run when a stop answer from before the end arrives after its event', () => {
    const cached = { workflowRun: cancelled };
    expect(mergeRunAnswer(cached, stopping)).toBe(cached);
  });

  it('takes the answer over a cached run that is still going, or a missing one', () => {
    expect(mergeRunAnswer({ workflowRun: run }, stopping).workflowRun).toBe(stopping);
    expect(mergeRunAnswer(undefined, stopping).workflowRun).toBe(stopping);
    expect(mergeRunAnswer({ workflowRun: null }, stopping).workflowRun).toBe(stopping);
  });

  it('keeps what events already showed of a run that goes on: ended stages, later attempts, the stop', () => {
    // A run with a finally stage: the stop's events (work cancelled, linger running)
    // arrive before the stop's answer, which still shows work running.
    const events: Run = {
      ...run,
      isStopping: true,
      stages: [stage('work', 'CANCELLED'), stage('linger', 'RUNNING'), { ...stage('flaky', 'RUNNING'), attempt: 2 }],
    };
    const answer: Run = {
      ...run,
      isStopping: false,
      stages: [
        stage('work', 'RUNNING'),
        { ...stage('linger', 'PENDING'), attempt: 0 },
        { ...stage('flaky', 'FAILED'), attempt: 1 },
      ],
    };
    const merged = mergeRunAnswer({ workflowRun: events }, answer).workflowRun as Run;
    expect(merged.isStopping).toBe(true);
    expect(merged.stages.map((s) => `${s.name}:${s.phase}:${s.attempt}`)).toEqual([
      'work:CANCELLED:1',
      'linger:RUNNING:1',
      'flaky:RUNNING:2',
    ]);
  });

  it('takes an ended answer, and an answer for another run', () => {
    expect(mergeRunAnswer({ workflowRun: run }, cancelled).workflowRun).toBe(cancelled);
    const other: Run = { ...stopping, id: 'r2' };
    expect(mergeRunAnswer({ workflowRun: cancelled }, other).workflowRun).toBe(other);
  });
});
