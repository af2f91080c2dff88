import { describe, expect, it } from 'vitest';
import type { EditorStage } from '@/features/dag-editor/model/types';
import { editsOf, overrideOf, runsScript } from './edit-retry';

const stage: EditorStage = {
  name: 'build',
  image: 'golang:1.22',
  command: ['sh', '-c'],
  args: ['go vet ./...\ngo build ./...'],
  env: [{ name: 'CGO_ENABLED', value: '0' }],
  dependsOn: ['checkout'],
  inputs: { resources: [], artifacts: [] },
  outputs: { resources: [], artifacts: [{ name: 'bin', path: 'out' }] },
  trivial: false,
  retries: 1,
  finally: false,
};

describe('edit and retry', () => {
  it('edits a script as one text and keeps every other field of the stage', () => {
    expect(runsScript(stage)).toBe(true);
    const edits = editsOf(stage);
    expect(edits).toEqual({
      image: 'golang:1.22',
      command: 'sh\n-c',
      args: 'go vet ./...\ngo build ./...',
      env: 'CGO_ENABLED=0',
    });
    const override = overrideOf(stage, { ...edits, image: 'golang:1.23', args: 'go build ./...', env: 'A=1=2\nEMPTY' });
    expect(override).toMatchObject({
      name: 'build',
      image: 'golang:1.23',
      command: ['sh', '-c'],
      args: ['go build ./...'],
      env: [
        { name: 'A', value: '1=2' },
        { name: 'EMPTY', value: '' },
      ],
      dependsOn: ['checkout'],
      outputs: { artifacts: [{ name: 'bin', path: 'out' }] },
      retries: 1,
    });
  });

  it('edits other arguments one per line', () => {
    const plain = { ...stage, command: ['make'], args: ['build', 'test'] };
    expect(runsScript(plain)).toBe(false);
    expect(editsOf(plain).args).toBe('build\ntest');
    expect(overrideOf(plain, { ...editsOf(plain), args: 'build\n\nlint\n' }).args).toEqual(['build', 'lint']);
  });
});
