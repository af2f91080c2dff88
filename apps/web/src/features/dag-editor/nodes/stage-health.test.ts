import { describe, expect, it } from 'vitest';
import { healthLabel, secondsText } from './stage-health';

// Keys and their values, so the test reads what the node would be told to say.
const t = ((key: string, values: Record<string, string | number> = {}) =>
  `${key}${Object.keys(values).length ? JSON.stringify(values) : ''}`) as Parameters<typeof healthLabel>[1];
const figures = (extra: Partial<Parameters<typeof healthLabel>[0]> = {}) => ({
  stage: 'build',
  runs: 10,
  failures: 0,
  flakes: 0,
  p50Seconds: 3.2,
  p95Seconds: 12.4,
  trend: 'STEADY' as const,
  ...extra,
});

describe('secondsText', () => {
  it('is short at every scale', () => {
    expect([0.42, 3, 12.4, 59.6, 185].map(secondsText)).toEqual(['0.4s', '3s', '12s', '1m 00s', '3m 05s']);
  });
});

describe('healthLabel', () => {
  it('says the p95 of a healthy stage, calmly', () => {
    expect(healthLabel(figures(), t)).toMatchObject({ text: 'p95 12s', tone: 'ok' });
  });

  it('turns amber for flakes or the odd failure, red for frequent failures or a degrading trend', () => {
    expect(healthLabel(figures({ flakes: 2 }), t)).toMatchObject({
      text: 'p95 12s · dag.health.flakes{"count":2}',
      tone: 'warn',
    });
    expect(healthLabel(figures({ failures: 1 }), t).tone).toBe('warn');
    expect(healthLabel(figures({ failures: 2 }), t).tone).toBe('bad');
    expect(healthLabel(figures({ trend: 'DEGRADING' }), t).tone).toBe('bad');
  });

  it('speaks of a stage that never ran, or never succeeded', () => {
    expect(healthLabel(figures({ runs: 0, p50Seconds: null, p95Seconds: null }), t).text).toBe('dag.health.noRuns');
    expect(healthLabel(figures({ failures: 10, p50Seconds: null, p95Seconds: null }), t)).toMatchObject({
      text: 'dag.health.failures{"count":10}',
      tone: 'bad',
    });
  });
});
