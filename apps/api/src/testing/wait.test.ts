import { describe, expect, it } from 'vitest';
import { waitFor } from './wait.js';

describe('waitFor', () => {
  it('returns the first truthy answer', async () => {
    let calls = 0;
    const answer = await waitFor(() => (++calls === 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(answer).toEqual({ calls: 3 });
  });

  it('returns the first answer `until` accepts, falsy ones included', async () => {
    let count = 3;
    expect(await waitFor(() => --count, { until: (n) => n === 0, intervalMs: 1 })).toBe(0);
  });

  it('fails after the timeout, naming what it waited for and the last answer', async () => {
    await expect(
      waitFor(() => ({ phase: 'RUNNING' }), {
        until: (run) => run.phase === 'SUCCEEDED',
        what: 'the run to end',
        timeoutMs: 30,
      }),
    ).rejects.toThrow('timed out after 30 ms waiting for the run to end; last seen: {"phase":"RUNNING"}');
  });

  it('fails at once when the check throws', async () => {
    let calls = 0;
    await expect(
      waitFor(() => {
        calls += 1;
        throw new Error('no such run');
      }),
    ).rejects.toThrow('no such run');
    expect(calls).toBe(1);
  });
});
