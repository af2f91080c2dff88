import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pullOnce } from './inputs.js';

describe('pullOnce', () => {
  it('pulls once for concurrent stages of a run; the others wait and reuse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulls-'));
    let pulls = 0;
    const pull = () => {
      pulls += 1;
    };
    const results = await Promise.all([
      pullOnce(dir, 'repo', pull),
      pullOnce(dir, 'repo', pull),
      pullOnce(dir, 'repo', pull),
    ]);
    expect(pulls).toBe(1);
    expect(results.sort()).toEqual(['pulled', 'reused', 'reused']);
    expect(existsSync(join(dir, 'repo.lock'))).toBe(false);
  });

  it('leaves no lock behind when a pull fails, so the next stage tries again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulls-'));
    await expect(
      pullOnce(dir, 'repo', () => {
        throw new Error('clone failed');
      }),
    ).rejects.toThrow('clone failed');
    expect(await pullOnce(dir, 'repo', () => undefined)).toBe('pulled');
  });
});
