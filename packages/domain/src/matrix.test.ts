// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Cyclone references, not JS templates
import { describe, expect, it } from 'vitest';
import {
  combinationsFromJson,
  matrixCombinations,
  matrixEnvName,
  matrixParentOf,
  matrixRunName,
  matrixSize,
  parseMatrixFrom,
} from './matrix.js';
import { workflowSpecSchema } from './specs.js';

const issues = (stages: unknown[]) => {
  const parsed = workflowSpecSchema.safeParse({ stages });
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('matrix combinations', () => {
  it('makes the product of the axes, the first axis varying slowest', () => {
    const axes = [
      { name: 'os', values: ['linux', 'darwin'] },
      { name: 'go', values: ['1.22', '1.23'] },
    ];
    expect(matrixSize(axes)).toBe(4);
    expect(matrixCombinations(axes).map((c) => c.map((v) => v.value).join('/'))).toEqual([
      'linux/1.22',
      'linux/1.23',
      'darwin/1.22',
      'darwin/1.23',
    ]);
    expect(matrixCombinations([])).toEqual([]);
  });

  it('names combination runs so no declared stage can clash, and reads them back', () => {
    expect(matrixRunName('test', 3)).toBe('test.3');
    expect(matrixParentOf('test.3')).toBe('test');
    expect(matrixParentOf('test')).toBeUndefined();
    expect(matrixEnvName('go-version')).toBe('MATRIX_GO_VERSION');
  });

  it('reads matrixFrom references and JSON lists', () => {
    expect(parseMatrixFrom('${stages.list.outputs.targets}')).toEqual({ stage: 'list', key: 'targets' });
    expect(parseMatrixFrom('stages.list.outputs.targets')).toBeUndefined();
    expect(combinationsFromJson('[{"os":"linux","n":1}]')).toEqual([
      [
        { name: 'os', value: 'linux' },
        { name: 'n', value: '1' },
      ],
    ]);
    expect(combinationsFromJson('nope')).toEqual({
      error: 'is not JSON: expected a list such as ["a","b"] or [{"os":"linux"}]',
    });
    expect(combinationsFromJson('[null]')).toEqual({
      error: 'item 0 must be a string, a number, a boolean or an object of them',
    });
  });
});

describe('matrix in a workflow spec', () => {
  const stage = { name: 'test', image: 'x' };
  it('accepts axes, matrixFrom from a stage it depends on, and maxParallel', () => {
    expect(issues([{ ...stage, matrix: [{ name: 'go', values: ['1.22', '1.23'] }], maxParallel: 1 }])).toEqual([]);
    expect(
      issues([
        { name: 'list', image: 'x' },
        { ...stage, dependsOn: ['list'], matrixFrom: '${stages.list.outputs.targets}' },
      ]),
    ).toEqual([]);
  });

  it('refuses more than 256 combinations, repeated axes, both forms, and stray maxParallel, naming the field', () => {
    const many = Array.from({ length: 17 }, (_, i) => String(i));
    expect(
      issues([
        {
          ...stage,
          matrix: [
            { name: 'a', values: many },
            { name: 'b', values: many },
          ],
        },
      ]),
    ).toEqual(['stages.0.matrix: makes 289 combinations; at most 256 are allowed']);
    expect(
      issues([
        {
          ...stage,
          matrix: [
            { name: 'a', values: ['1'] },
            { name: 'a', values: ['2'] },
          ],
        },
      ]),
    ).toEqual(['stages.0.matrix: axis "a" is repeated']);
    expect(issues([{ ...stage, maxParallel: 2 }])).toEqual([
      'stages.0.maxParallel: applies only to a stage with matrix or matrixFrom',
    ]);
    expect(issues([{ ...stage, matrix: [{ name: 'a', values: [] }] }])).toHaveLength(1);
    expect(issues([{ ...stage, matrixFrom: '${stages.list.outputs.k}' }])).toEqual([
      'stages.0.matrixFrom: stage "list" must be in dependsOn',
    ]);
    expect(issues([{ ...stage, matrixFrom: 'list' }])).toEqual([
      'stages.0.matrixFrom: must be ${stages.STAGE.outputs.KEY}',
    ]);
    expect(issues([{ ...stage, image: '', approval: {}, matrix: [{ name: 'a', values: ['1'] }] }])).toContain(
      'stages.0.matrix: an approval, child-workflow or delegated stage cannot fan out',
    );
  });
});
