import { describe, expect, it } from 'vitest';
import { type StageSample, stageHealth } from './stage-health.rules.js';

const ok = (seconds: number, attempt = 1): StageSample => ({ phase: 'SUCCEEDED', attempt, durationMs: seconds * 1000 });
const failed = (seconds = 1): StageSample => ({ phase: 'FAILED', attempt: 1, durationMs: seconds * 1000 });
const skipped: StageSample = { phase: 'SKIPPED', attempt: 0, durationMs: null };

describe('stageHealth', () => {
  it('counts runs, failures and flakes; skipped runs are not runs of the stage', () => {
    const health = stageHealth('test', [ok(10), failed(), ok(12, 2), skipped, ok(11, 3), failed()]);
    expect(health).toMatchObject({ stage: 'test', runs: 5, failures: 2, flakes: 2 });
  });

  it('takes nearest-rank percentiles over successful attempts only', () => {
    const samples = [...Array.from({ length: 19 }, (_, i) => ok(i + 1)), ok(100), failed(500)];
    const health = stageHealth('build', samples);
    expect(health.p50Seconds).toBe(10);
    expect(health.p95Seconds).toBe(19);
    expect(stageHealth('build', [ok(1.2345)]).p50Seconds).toBe(1.235);
  });

  it('has no percentiles and no trend without enough runs', () => {
    expect(stageHealth('x', [failed(), skipped])).toMatchObject({
      p50Seconds: null,
      p95Seconds: null,
      trend: 'NOT_ENOUGH_DATA',
    });
    expect(stageHealth('x', [ok(1), ok(1), ok(1), ok(1), ok(1)]).trend).toBe('NOT_ENOUGH_DATA');
  });

  it('calls failing more often in the newer half DEGRADING, and less often IMPROVING', () => {
    expect(stageHealth('x', [ok(1), ok(1), ok(1), failed(), ok(1), failed()]).trend).toBe('DEGRADING');
    expect(stageHealth('x', [failed(), failed(), ok(1), ok(1), ok(1), ok(1)]).trend).toBe('IMPROVING');
  });

  it('reads the median duration when the failure rate holds', () => {
    expect(stageHealth('x', [ok(10), ok(10), ok(10), ok(13), ok(13), ok(13)]).trend).toBe('DEGRADING');
    expect(stageHealth('x', [ok(10), ok(10), ok(10), ok(7), ok(8), ok(7)]).trend).toBe('IMPROVING');
    expect(stageHealth('x', [ok(10), ok(10), ok(10), ok(11), ok(12), ok(9)]).trend).toBe('STEADY');
  });

  it('weighs failures before speed', () => {
    expect(stageHealth('x', [ok(10), ok(10), ok(10), ok(2), failed(), failed()]).trend).toBe('DEGRADING');
  });
});
