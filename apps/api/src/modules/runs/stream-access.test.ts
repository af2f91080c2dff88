import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readerKey, StreamAccessChecks } from './stream-access.js';

describe('StreamAccessChecks', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spreads the periodic checks of streams opened together over 30 s, and checks each within 30 s', async () => {
    let checks = 0;
    const access = new StreamAccessChecks(undefined);
    const streams = Array.from({ length: 1_000 }, (_, i) => access.open(`run-${i}`, async () => checks++));
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
    const stream = new StreamAccessChecks(generations).open('run', async () => checks++);
    await stream.assert();
    expect(checks).toBe(0);
    generations.auth = 2;
    await stream.assert();
    expect(checks).toBe(1);
    await stream.assert();
    expect(checks).toBe(1);
  });

  it('makes one check for the streams of one reader and one run, and forgets the key with its last stream', async () => {
    const generations = { auth: 1, data: 0, isLive: true };
    const access = new StreamAccessChecks(generations);
    const checked: string[] = [];
    const checkAs = (name: string) => async () => {
      checked.push(name);
    };
    const ann = { id: 'u1', isAdmin: false };
    const bob = { id: 'u2', isAdmin: false };
    const annsTabs = [1, 2, 3, 4, 5].map((tab) => access.open(readerKey(ann, 'run-a'), checkAs(`ann ${tab}`)));
    const bobsTab = access.open(readerKey(bob, 'run-a'), checkAs('bob'));
    const annsOther = access.open(readerKey(ann, 'run-b'), checkAs('ann b'));
    const all = [...annsTabs, bobsTab, annsOther];
    expect(access.size).toBe(3);
    generations.auth = 2;
    await Promise.all(all.map((stream) => stream.assert()));
    expect(checked.sort()).toEqual(['ann 1', 'ann b', 'bob']);
    // Every 30 s after: once per key again.
    vi.advanceTimersByTime(30_000);
    await Promise.all(all.map((stream) => stream.assert()));
    expect(checked).toHaveLength(6);
    for (const stream of all) stream.close();
    expect(access.size).toBe(0);
  });

  it('ends every waiting stream of the key when access is refused, and the others check for themselves', async () => {
    const generations = { auth: 1, data: 0, isLive: true };
    const access = new StreamAccessChecks(generations);
    let isAllowed = true;
    let checks = 0;
    const check = async () => {
      checks += 1;
      if (!isAllowed) throw new Error('FORBIDDEN');
    };
    const [first, second, later] = [1, 2, 3].map(() =>
      access.open(readerKey({ id: 'u1', isAdmin: false }, 'run'), check),
    );
    isAllowed = false;
    generations.auth = 2;
    const outcomes = await Promise.allSettled([first?.assert(), second?.assert()]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(checks).toBe(1);
    // A stream that was not waiting does not take the refused check as done.
    await expect(later?.assert()).rejects.toThrow('FORBIDDEN');
    expect(checks).toBe(2);
  });
});
