import { describe, expect, it } from 'vitest';
import { reusableStages } from './reuse.js';

const diamond = [
  { name: 'a' },
  { name: 'b', dependsOn: ['a'] },
  { name: 'c', dependsOn: ['a'] },
  { name: 'd', dependsOn: ['b', 'c'] },
];

describe('reusableStages', () => {
  it('reuses every succeeded stage when no fromStage is given', () => {
    expect([...reusableStages(diamond, new Set(['a', 'b', 'c']))].sort()).toEqual(['a', 'b', 'c']);
  });

  it('runs fromStage and everything downstream of it again, and reuses side branches', () => {
    expect([...reusableStages(diamond, new Set(['a', 'b', 'c', 'd']), 'b')].sort()).toEqual(['a', 'c']);
  });

  it('restarts from each of several stages (a retry that overrides stages)', () => {
    const wide = [...diamond, { name: 'e', dependsOn: ['a'] }];
    expect([...reusableStages(wide, new Set(['a', 'b', 'c', 'd', 'e']), ['b', 'e'])].sort()).toEqual(['a', 'c']);
    expect([...reusableStages(wide, new Set(['a', 'b', 'c', 'd', 'e']), [])].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('runs everything again from a root stage', () => {
    expect([...reusableStages(diamond, new Set(['a', 'b', 'c', 'd']), 'a')]).toEqual([]);
  });

  it('does not reuse a succeeded stage whose upstream runs again', () => {
    // A trivial stage "a" failed for good, "b" ran anyway: a retry runs "a" and so "b".
    expect([...reusableStages(diamond, new Set(['b', 'c']))]).toEqual([]);
  });

  it('never reuses a finally stage: it runs again after the retry', () => {
    const stages = [{ name: 'a' }, { name: 'cleanup', finally: true }];
    expect([...reusableStages(stages, new Set(['a', 'cleanup']))]).toEqual(['a']);
  });
});
