import { describe, expect, it } from 'vitest';
import { selectStages } from './subgraph.js';

//  checkout → build → test → deploy
//                  ↘ lint ↗          cleanup (finally)
const stages = [
  { name: 'checkout' },
  { name: 'build', dependsOn: ['checkout'] },
  { name: 'test', dependsOn: ['build'] },
  { name: 'lint', dependsOn: ['build'] },
  { name: 'deploy', dependsOn: ['test', 'lint'] },
  { name: 'cleanup', finally: true },
];
const sorted = (set: Set<string>) => [...set].sort();

describe('selectStages (startStages / endStages)', () => {
  it('selects everything when neither is given', () => {
    expect(selectStages(stages, [], []).size).toBe(6);
  });

  it('startStages: those stages and everything downstream, and the finally stages', () => {
    expect(sorted(selectStages(stages, ['test'], []))).toEqual(['cleanup', 'deploy', 'test']);
  });

  it('endStages: those stages and everything upstream', () => {
    expect(sorted(selectStages(stages, [], ['build']))).toEqual(['build', 'checkout', 'cleanup']);
  });

  it('both: the stages between them', () => {
    expect(sorted(selectStages(stages, ['build'], ['deploy']))).toEqual(['build', 'cleanup', 'deploy', 'lint', 'test']);
    expect(sorted(selectStages(stages, ['test'], ['lint']))).toEqual(['cleanup']);
  });
});
