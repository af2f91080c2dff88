import { describe, expect, it } from 'vitest';
import { buildDag, findCycles, levels, readyStages, validateDag, wouldCreateCycle } from './index.js';
import type { DagStage } from './types.js';

const diamond: DagStage[] = [
  { name: 'checkout' },
  { name: 'build', dependsOn: ['checkout'], outputArtifacts: ['bin'] },
  { name: 'test', dependsOn: ['checkout'] },
  { name: 'publish', dependsOn: ['build', 'test'], inputArtifacts: [{ name: 'bin', source: 'build/bin' }] },
];

describe('validateDag', () => {
  it('accepts a diamond', () => {
    expect(validateDag(diamond)).toEqual([]);
  });

  it('reports a cycle with its path', () => {
    const issues = validateDag([
      { name: 'a', dependsOn: ['c'] },
      { name: 'b', dependsOn: ['a'] },
      { name: 'c', dependsOn: ['b'] },
      { name: 'd' },
    ]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'CYCLE', cycle: ['a', 'b', 'c', 'a'] });
    expect(issues[0]?.message).toBe('stages form a cycle: a → b → c → a');
  });

  it('reports unknown dependencies, self dependencies and duplicates', () => {
    const codes = validateDag([
      { name: 'a', dependsOn: ['ghost'] },
      { name: 'b', dependsOn: ['b'] },
      { name: 'a' },
    ]).map((i) => i.code);
    expect(codes.sort()).toEqual(['DUPLICATE_STAGE', 'SELF_DEPENDENCY', 'UNKNOWN_DEPENDENCY']);
  });

  it('reports artifact sources that do not exist or are not upstream', () => {
    const issues = validateDag([
      { name: 'build', outputArtifacts: ['bin'] },
      { name: 'deploy', inputArtifacts: [{ name: 'bin', source: 'build/bin' }] },
      { name: 'scan', dependsOn: ['build'], inputArtifacts: [{ name: 'x', source: 'build/report' }] },
    ]);
    expect(issues.map((i) => [i.code, i.stage])).toEqual([
      ['ARTIFACT_SOURCE_NOT_UPSTREAM', 'deploy'],
      ['UNKNOWN_ARTIFACT_SOURCE', 'scan'],
    ]);
  });
});

describe('ordering', () => {
  const dag = buildDag(diamond);

  it('groups stages into levels', () => {
    expect(levels(dag)).toEqual([['checkout'], ['build', 'test'], ['publish']]);
  });

  it('lists ready stages given the finished ones', () => {
    expect(readyStages(dag, new Set())).toEqual(['checkout']);
    expect(readyStages(dag, new Set(['checkout', 'build']))).toEqual(['test']);
    expect(readyStages(dag, new Set(['checkout', 'build', 'test']))).toEqual(['publish']);
  });

  it('knows which new edges would close a cycle', () => {
    expect(wouldCreateCycle(dag, 'publish', 'checkout')).toBe(true);
    expect(wouldCreateCycle(dag, 'build', 'test')).toBe(false);
    expect(wouldCreateCycle(dag, 'test', 'test')).toBe(true);
  });

  it('finds no cycles in an acyclic graph of 1000 stages', () => {
    const chain = Array.from({ length: 1000 }, (_, i) => ({
      name: `s${i}`,
      dependsOn: i === 0 ? [] : [`s${i - 1}`, `s${Math.floor(i / 2)}`],
    }));
    expect(findCycles(buildDag(chain))).toEqual([]);
    expect(levels(buildDag(chain))).toHaveLength(1000);
  });
});
