import { describe, expect, it } from 'vitest';
import { checkResourceSpec } from './resources.js';
import { type StageDefinition, stageDefinitionSchema } from './specs.js';
import { fillTemplate, TemplateArgumentError, templatePlaceholders } from './templates.js';

const template: StageDefinition = stageDefinitionSchema.parse({
  name: 'build',
  image: '{{ image }}',
  command: ['/bin/sh', '-e', '-c', '{{{ cmd }}}'],
  workingDir: '{{workdir}}',
  env: [{ name: 'OUT', value: 'path={{  output  }}' }],
  inputs: {
    arguments: [
      { name: 'image', description: 'image to build with' },
      { name: 'cmd', description: 'commands' },
      { name: 'workdir', value: '/workspace' },
      { name: 'output', value: '/workspace/bin/app' },
    ],
  },
  outputs: { artifacts: [{ name: 'bin', path: '{{ output }}' }] },
  podSpecExtras: { volumes: [{ name: 'cache', hostPath: { path: '{{ workdir }}/.cache' } }] },
});

describe('fillTemplate', () => {
  it('fills {{ }} and {{{ }}} everywhere, with defaults for arguments not given', () => {
    const filled = fillTemplate(template, [
      { name: 'image', value: 'golang:1.22' },
      { name: 'cmd', value: 'go build ./...' },
    ]);
    expect(filled.image).toBe('golang:1.22');
    expect(filled.command).toEqual(['/bin/sh', '-e', '-c', 'go build ./...']);
    expect(filled.workingDir).toBe('/workspace');
    expect(filled.env).toEqual([{ name: 'OUT', value: 'path=/workspace/bin/app' }]);
    expect(filled.outputs.artifacts).toEqual([{ name: 'bin', path: '/workspace/bin/app' }]);
    expect(filled.podSpecExtras).toEqual({ volumes: [{ name: 'cache', hostPath: { path: '/workspace/.cache' } }] });
    expect(filled.inputs.arguments).toEqual([]);
    // The template itself is not changed.
    expect(template.image).toBe('{{ image }}');
  });

  it('inserts values with quotes, newlines and braces verbatim', () => {
    const cmd = 'echo "hello \'world\'" && \\\n  printf "%s\\n" {{ not-an-arg }} $HOME\n';
    const filled = fillTemplate(template, [
      { name: 'image', value: 'alpine' },
      { name: 'cmd', value: cmd },
    ]);
    expect(filled.command[3]).toBe(cmd);
  });

  it('lets given values override defaults', () => {
    const filled = fillTemplate(template, [
      { name: 'image', value: 'alpine' },
      { name: 'cmd', value: 'true' },
      { name: 'output', value: '/out' },
    ]);
    expect(filled.outputs.artifacts[0]?.path).toBe('/out');
  });

  it('names a missing argument that has no default', () => {
    let error: unknown;
    try {
      fillTemplate(template, [{ name: 'image', value: 'alpine' }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TemplateArgumentError);
    expect((error as TemplateArgumentError).argument).toBe('cmd');
    expect((error as Error).message).toBe('argument "cmd" needs a value');
  });

  it('refuses unknown and repeated arguments, naming their index', () => {
    const base = [
      { name: 'image', value: 'a' },
      { name: 'cmd', value: 'b' },
    ];
    expect(() => fillTemplate(template, [...base, { name: 'colour', value: 'x' }])).toThrow(
      'the template has no argument "colour"',
    );
    try {
      fillTemplate(template, [...base, { name: 'cmd', value: 'c' }]);
    } catch (e) {
      expect((e as TemplateArgumentError).index).toBe(2);
    }
  });

  it('requires placeholders that are used without being declared', () => {
    const undeclared = stageDefinitionSchema.parse({ name: 'x', image: 'alpine:{{ tag }}' });
    expect(templatePlaceholders(undeclared)).toEqual(['tag']);
    expect(() => fillTemplate(undeclared)).toThrow('argument "tag" needs a value');
    expect(fillTemplate(undeclared, [{ name: 'tag', value: '3.20' }]).image).toBe('alpine:3.20');
  });
});

describe('checkResourceSpec', () => {
  it('requires the parameters of each type', () => {
    expect(checkResourceSpec({ type: 'Git', parameters: [] })).toEqual([
      { path: 'parameters', message: 'a Git resource needs the parameter SCM_URL' },
    ]);
    expect(checkResourceSpec({ type: 'Image', parameters: [{ name: 'IMAGE', value: 'nginx' }] })).toEqual([]);
    expect(checkResourceSpec({ type: 'KV', parameters: [] })).toEqual([]);
    expect(checkResourceSpec({ type: 'General', parameters: [] })[0]?.path).toBe('resolver');
  });

  it('refuses a parameter given twice', () => {
    const problems = checkResourceSpec({
      type: 'Image',
      parameters: [
        { name: 'IMAGE', value: 'a' },
        { name: 'IMAGE', value: 'b' },
      ],
    });
    expect(problems).toEqual([{ path: 'parameters[1].name', message: 'parameter "IMAGE" is given twice' }]);
  });
});
