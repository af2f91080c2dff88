import { describe, expect, it } from 'vitest';
import type { StageTemplateSummary } from '@/features/dag-editor/editor/editor.documents';
import { stageFromTemplate } from '@/features/dag-editor/editor/stage-from-template';
import {
  blankDraft,
  copyName,
  draftFromTemplate,
  draftToInput,
  fillDefaults,
  undeclaredPlaceholders,
} from './template-form';

const template: StageTemplateSummary = {
  id: '1',
  name: 'build',
  description: 'Builds',
  kind: 'build',
  isBuiltin: true,
  image: '{{ image }}',
  command: ['/bin/sh', '-e', '-c', '{{{ cmd }}}'],
  args: [],
  env: [{ name: 'OUT', value: '{{ output-path }}' }],
  workingDir: '{{ workdir }}',
  inputs: { resources: [], artifacts: [] },
  outputs: { resources: [], artifacts: [{ name: 'build', path: '{{ output-path }}' }] },
  arguments: [
    { name: 'image', value: null, description: 'Builder image' },
    { name: 'cmd', value: null, description: null },
    { name: 'workdir', value: '/workspace', description: null },
    { name: 'output-path', value: '/workspace/dist', description: null },
  ],
  updatedAt: '2026-11-26T00:00:00Z',
};

describe('template form', () => {
  it('turns a template into a draft and back into mutation input', () => {
    const draft = draftFromTemplate(template, 'build-copy');
    expect(draft.name).toBe('build-copy');
    expect(draft.command).toBe('/bin/sh\n-e\n-c\n{{{ cmd }}}');
    const input = draftToInput({ ...draft, description: '  Builds  ' });
    expect(input).toMatchObject({
      name: 'build-copy',
      description: 'Builds',
      image: '{{ image }}',
      command: ['/bin/sh', '-e', '-c', '{{{ cmd }}}'],
      workingDir: '{{ workdir }}',
      env: [{ name: 'OUT', value: '{{ output-path }}' }],
    });
    // An empty default means required.
    expect(input.arguments[0]).toEqual({ name: 'image', value: null, description: 'Builder image' });
    expect(input.arguments[2]).toEqual({ name: 'workdir', value: '/workspace', description: null });
  });

  it('lists placeholders used but not declared', () => {
    const draft = { ...blankDraft(), image: 'node:{{ v }}', command: 'sh\n-c\n{{{ script }}} {{v}}' };
    expect(undeclaredPlaceholders(draft)).toEqual(['v', 'script']);
    expect(undeclaredPlaceholders({ ...draft, arguments: [{ name: 'v', value: '', description: '' }] })).toEqual([
      'script',
    ]);
    expect(draftToInput({ ...blankDraft(), workingDir: ' ' }).workingDir).toBeNull();
  });

  it('fills only the placeholders that have a default', () => {
    const defaults = new Map([['workdir', '/src']]);
    expect(fillDefaults('cd {{ workdir }} && {{{ cmd }}}', defaults)).toBe('cd /src && {{{ cmd }}}');
  });

  it('names a duplicate that is not taken', () => {
    expect(copyName('build', new Set(['build']))).toBe('build-copy');
    expect(copyName('build', new Set(['build-copy', 'build-copy-2']))).toBe('build-copy-3');
  });

  it('makes an editor stage from a template with its defaults filled', () => {
    const stage = stageFromTemplate(template);
    expect(stage.name).toBe('build');
    expect(stage.template).toBe('build');
    expect(stage.image).toBe('{{ image }}');
    expect(stage.workingDir).toBe('/workspace');
    expect(stage.env).toEqual([{ name: 'OUT', value: '/workspace/dist' }]);
    expect(stage.outputs.artifacts).toEqual([{ name: 'build', path: '/workspace/dist' }]);
    expect(stage.command.at(-1)).toBe('{{{ cmd }}}');
  });
});
