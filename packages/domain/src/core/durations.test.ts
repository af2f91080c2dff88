import { describe, expect, it } from 'vitest';
import { durationTextToMs } from './durations.js';

describe('durationTextToMs', () => {
  it('reads hours, minutes and seconds', () => {
    expect(durationTextToMs('90s')).toBe(90_000);
    expect(durationTextToMs('30m')).toBe(1_800_000);
    expect(durationTextToMs('1h30m')).toBe(5_400_000);
    expect(durationTextToMs('1h2m3s')).toBe(3_723_000);
  });

  it('rejects what is not a duration', () => {
    expect(() => durationTextToMs('')).toThrow('not a duration');
    expect(() => durationTextToMs('5 minutes')).toThrow('not a duration');
  });
});
