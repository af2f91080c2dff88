import type { RunPlan } from '@cyclone/dag';
import { describe, expect, it } from 'vitest';
import { passEvents } from './run-metrics.js';

const now = new Date('2026-12-05T12:00:10Z');
const at = (iso: string) => new Date(iso);
const plan = (overrides: Partial<RunPlan>): RunPlan => ({
  start: [],
  wait: [],
  expand: [],
  kill: [],
  finish: [],
  runPhase: 'RUNNING',
  ...overrides,
});

describe('passEvents', () => {
  it("counts a run's start with its queue wait, and the attempts started", () => {
    const events = passEvents({
      run: { createdAt: at('2026-12-05T12:00:04Z'), startedAt: null },
      plan: plan({ start: [{ stage: 'a', attempt: 1 }] }),
      stages: new Map(),
      isTerminal: false,
      now,
    });
    expect(events).toEqual({ stagesStarted: 1, stagesEnded: [], runStarted: { queueWaitSeconds: 6 } });
  });

  it('counts kills and finishes, with a duration for those that had started, and the end of the run', () => {
    const events = passEvents({
      run: { createdAt: at('2026-12-05T12:00:00Z'), startedAt: at('2026-12-05T12:00:01Z') },
      plan: plan({
        kill: [{ stage: 'a', attempt: 1, phase: 'CANCELLED', reason: 'STOPPED', message: '' }],
        finish: [{ stage: 'b', phase: 'CANCELLED', message: '' }],
        runPhase: 'CANCELLED',
      }),
      stages: new Map([
        ['a', { startedAt: at('2026-12-05T12:00:07Z') }],
        ['b', { startedAt: null }],
      ]),
      isTerminal: true,
      now,
    });
    expect(events).toEqual({
      stagesStarted: 0,
      stagesEnded: [{ phase: 'CANCELLED', seconds: 3 }, { phase: 'CANCELLED' }],
      runEnded: { phase: 'CANCELLED', seconds: 9 },
    });
  });

  it('a pass of a run already started and still going counts nothing about the run', () => {
    const events = passEvents({
      run: { createdAt: at('2026-12-05T12:00:00Z'), startedAt: at('2026-12-05T12:00:01Z') },
      plan: plan({}),
      stages: new Map(),
      isTerminal: false,
      now,
    });
    expect(events).toEqual({ stagesStarted: 0, stagesEnded: [] });
  });
});
