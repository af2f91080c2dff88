import { describe, expect, it } from 'vitest';
import { locateDagIssues } from './locate.js';
import { validateDag } from './validate.js';

const fields = {
  name: (i: number) => `stages[${i}].name`,
  dependsOn: (i: number, j?: number) => `stages[${i}].dependsOn${j === undefined ? '' : `[${j}]`}`,
  artifactSource: (i: number, j: number) => `stages[${i}].artifacts[${j}].source`,
  when: (i: number) => `stages[${i}].when`,
};

function locate(
  stages: { name: string; dependsOn?: string[]; artifactSources?: { name: string; source: string }[] }[],
) {
  const refs = stages.map((s) => ({
    name: s.name,
    dependsOn: s.dependsOn ?? [],
    artifactSources: s.artifactSources ?? [],
  }));
  const issues = validateDag(refs.map((r) => ({ ...r, inputArtifacts: r.artifactSources, outputArtifacts: [] })));
  return locateDagIssues(refs, issues, fields).map(({ field, issue }) => `${issue.code} ${field}`);
}

describe('locateDagIssues', () => {
  it('points a duplicate at its second occurrence', () => {
    expect(locate([{ name: 'a' }, { name: 'b' }, { name: 'a' }])).toEqual(['DUPLICATE_STAGE stages[2].name']);
  });

  it('points unknown and self dependencies at their dependsOn entry', () => {
    expect(
      locate([
        { name: 'a', dependsOn: ['a'] },
        { name: 'b', dependsOn: ['a', 'nope'] },
      ]),
    ).toEqual(['SELF_DEPENDENCY stages[0].dependsOn[0]', 'UNKNOWN_DEPENDENCY stages[1].dependsOn[1]']);
  });

  it('points a cycle at the dependsOn list of a stage on it', () => {
    const located = locate([
      { name: 'a', dependsOn: ['b'] },
      { name: 'b', dependsOn: ['a'] },
    ]);
    expect(located).toHaveLength(1);
    expect(located[0]).toMatch(/^CYCLE stages\[[01]\]\.dependsOn$/);
  });

  it('points an artifact source at its entry', () => {
    expect(
      locate([
        { name: 'a' },
        {
          name: 'b',
          dependsOn: ['a'],
          artifactSources: [
            { name: 'ok', source: 'a/x' },
            { name: 'bad', source: 'ghost/y' },
          ],
        },
      ]),
    ).toContain('UNKNOWN_ARTIFACT_SOURCE stages[1].artifacts[1].source');
  });
});
