import { describe, expect, it } from 'vitest';
import { type ComparedStage, diffVersions } from './version-diff';

const stage = (name: string, dependsOn: string[] = [], extra: Record<string, unknown> = {}): ComparedStage => ({
  name,
  image: 'alpine:3.20',
  command: ['sh', '-c'],
  env: [],
  dependsOn,
  ...extra,
});

describe('diffVersions', () => {
  const before = [stage('build'), stage('test', ['build']), stage('lint', ['build'])];
  const after = [
    stage('build', [], { image: 'golang:1.23', env: [{ name: 'CGO_ENABLED', value: '0' }] }),
    stage('test', ['build']),
    stage('publish', ['test']),
  ];
  const diff = diffVersions(before, after);

  it('marks each stage added, removed, changed or the same', () => {
    expect([...diff.byStage.values()].map(({ name, kind }) => [name, kind])).toEqual([
      ['build', 'changed'],
      ['test', 'same'],
      ['publish', 'added'],
      ['lint', 'removed'],
    ]);
  });

  it('lists the fields that differ, with both values as shown', () => {
    expect(diff.byStage.get('build')?.changes).toEqual([
      { field: 'image', before: 'alpine:3.20', after: 'golang:1.23' },
      { field: 'env', before: '', after: '[{"name":"CGO_ENABLED","value":"0"}]' },
    ]);
  });

  it('draws both versions on one canvas: the newer stages, then the removed ones with their edges', () => {
    expect(diff.stages.map((s) => [s.name, s.dependsOn])).toEqual([
      ['build', []],
      ['test', ['build']],
      ['publish', ['test']],
      ['lint', ['build']],
    ]);
    expect([...diff.edges]).toEqual([
      ['test->publish', 'added'],
      ['build->lint', 'removed'],
    ]);
  });

  it('keeps a dependency the newer version dropped, marked removed', () => {
    const moved = diffVersions([stage('a'), stage('b', ['a'])], [stage('a'), stage('b')]);
    expect(moved.stages.find((s) => s.name === 'b')?.dependsOn).toEqual(['a']);
    expect(moved.edges.get('a->b')).toBe('removed');
    expect(moved.byStage.get('b')?.changes).toEqual([{ field: 'dependsOn', before: '["a"]', after: '' }]);
  });

  it('treats absent, null and empty lists alike', () => {
    const same = diffVersions([stage('a', [], { when: null, args: [] })], [stage('a')]);
    expect(same.byStage.get('a')?.kind).toBe('same');
  });
});
