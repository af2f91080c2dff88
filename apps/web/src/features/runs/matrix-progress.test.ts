import { describe, expect, it } from 'vitest';
import { combinationText, matrixProgress } from './matrix-progress';

describe('matrix progress', () => {
  it('counts the ended combinations of each matrix stage', () => {
    const progress = matrixProgress([
      { name: 'test', phase: 'RUNNING' },
      { name: 'test.0', phase: 'SUCCEEDED', matrixOf: 'test' },
      { name: 'test.1', phase: 'RUNNING', matrixOf: 'test' },
      { name: 'test.2', phase: 'FAILED', matrixOf: 'test' },
      { name: 'lint.0', phase: 'PENDING', matrixOf: 'lint' },
    ]);
    expect(Object.fromEntries(progress)).toEqual({ test: '2/3', lint: '0/1' });
    expect(
      combinationText([
        { name: 'os', value: 'linux' },
        { name: 'go', value: '1.22' },
      ]),
    ).toBe('os=linux, go=1.22');
  });
});
