import { describe, expect, it } from 'vitest';
import { criticalPath, type TimedStage } from './critical-path.js';

const stage = (name: string, dependsOn: string[], startedAt?: number, finishedAt?: number): TimedStage => ({
  name,
  dependsOn,
  ...(startedAt !== undefined ? { startedAt } : {}),
  ...(finishedAt !== undefined ? { finishedAt } : {}),
});

describe('criticalPath', () => {
  it('follows the slower branch of a diamond back to the root', () => {
    const stages = [
      stage('checkout', [], 0, 10),
      stage('lint', ['checkout'], 10, 20),
      stage('build', ['checkout'], 10, 90),
      stage('publish', ['lint', 'build'], 90, 100),
    ];
    expect(criticalPath(stages, 1_000)).toEqual(['checkout', 'build', 'publish']);
  });

  it('ends at the stage that ended last, even a leaf off the main line', () => {
    const stages = [stage('a', [], 0, 10), stage('b', ['a'], 10, 20), stage('slow-docs', [], 0, 50)];
    expect(criticalPath(stages, 1_000)).toEqual(['slow-docs']);
  });

  it('counts a running stage as ending now', () => {
    const stages = [stage('a', [], 0, 10), stage('b', ['a'], 10), stage('c', [], 0, 500)];
    expect(criticalPath(stages, 600)).toEqual(['a', 'b']);
    expect(criticalPath(stages, 400)).toEqual(['c']);
  });

  it('leaves out stages that never started, and is empty when none did', () => {
    const stages = [stage('a', [], 0, 10), stage('skipped', ['a']), stage('after', ['skipped', 'a'], 10, 30)];
    expect(criticalPath(stages, 100)).toEqual(['a', 'after']);
    expect(criticalPath([stage('x', []), stage('y', ['x'])], 100)).toEqual([]);
  });

  it('breaks ties by the order of dependencies', () => {
    const stages = [stage('p', [], 0, 10), stage('q', [], 0, 10), stage('r', ['q', 'p'], 10, 20)];
    expect(criticalPath(stages, 100)).toEqual(['q', 'r']);
  });
});
