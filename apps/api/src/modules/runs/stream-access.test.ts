import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StreamAccess } from './stream-access.js';

describe('StreamAccess', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spreads the periodic checks of streams opened together over 30 s, and checks each within 30 s', async () => {
    let checks = 0;
    const streams = Array.from({ length: 1_000 }, () => new StreamAccess(async () => checks++, undefined));
    const assertAll = () => Promise.all(streams.map((stream) => stream.assert()));
    await assertAll();
    expect(checks).toBe(0);
    vi.advanceTimersByTime(15_000);
    await assertAll();
    // About half of them (a binomial of 1,000 at one half: 500 ± 47 at three deviations).
    expect(checks).toBeGreaterThan(300);
    expect(checks).toBeLessThan(700);
    vi.advanceTimersByTime(15_000);
    await assertAll();
    expect(checks).toBe(1_000);
    // Then every 30 s from each one's own check: the ones that checked at 15 s wait until 45 s.
    vi.advanceTimersByTime(1);
    const before = checks;
    await assertAll();
    expect(checks).toBe(before);
  });

  it('checks at once when identity data changed', async () => {
    let checks = 0;
    const generations = { auth: 1, data: 0, isLive: true };
    const stream = new StreamAccess(async () => checks++, generations);
    await stream.assert();
    expect(checks).toBe(0);
    generations.auth = 2;
    await stream.assert();
    expect(checks).toBe(1);
    await stream.assert();
    expect(checks).toBe(1);
  });
});
