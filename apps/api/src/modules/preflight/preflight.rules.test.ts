import { workflowSpecSchema } from '@cyclone/domain';
import { describe, expect, it } from 'vitest';
import {
  conditionChecks,
  type PreflightCheck,
  resolvedImage,
  resourceChecks,
  runVariables,
  secretChecks,
} from './preflight.rules.js';

/** A workflow spec as the store keeps it: the schema's defaults filled in. */
const spec = (input: { globalVariables?: { name: string; value: string }[]; stages: Record<string, unknown>[] }) =>
  workflowSpecSchema.parse({
    ...input,
    stages: input.stages.map((stage) => ({ image: 'alpine:3.20', command: ['true'], ...stage })),
  });

const failed = (checks: PreflightCheck[]) => checks.filter((check) => !check.ok);

describe('conditionChecks', () => {
  it('tells each stage with a condition whether it compiles, and leaves stages without one out', () => {
    const checks = conditionChecks(
      spec({
        stages: [
          { name: 'plain' },
          { name: 'release', when: "params.branch == 'main'" },
          { name: 'broken', when: 'params.branch ==' },
          { name: 'number', when: '1 + 1' },
        ],
      }),
    );
    expect(checks).toEqual([
      { stage: 'release', check: 'CONDITION', ok: true, message: 'the condition compiles' },
      { stage: 'broken', check: 'CONDITION', ok: false, message: 'when: Unexpected token: EOF' },
      { stage: 'number', check: 'CONDITION', ok: false, message: 'when: must give a bool, not int' },
    ]);
  });

  it('refuses an empty condition rather than treating it as absent', () => {
    expect(conditionChecks(spec({ stages: [{ name: 'empty', when: '' }] }))).toEqual([
      { stage: 'empty', check: 'CONDITION', ok: false, message: 'when: must not be empty' },
    ]);
  });
});

describe('secretChecks', () => {
  const integrations = new Map<string, readonly string[]>([
    ['github', ['token', 'webhookSecret']],
    ['bare', []],
  ]);

  it('checks the secrets of global variables (stage null) and of every text of each stage', () => {
    const checks = secretChecks(
      spec({
        globalVariables: [{ name: 'TOKEN', value: `\${secrets.github.token}` }],
        stages: [
          {
            name: 'build',
            image: `registry.example.com/\${secrets.github.token}:1`,
            command: ['sh', '-c', `echo \${secrets.github.password}`],
            args: [`--key=\${secrets.vault.key}`],
            env: [{ name: 'HOOK', value: `\${secrets.github.webhookSecret}` }],
            workingDir: `/src/\${secrets.bare.dir}`,
          },
          { name: 'plain' },
        ],
      }),
      integrations,
    );
    expect(checks).toEqual([
      { stage: null, check: 'SECRET', ok: true, message: `\${secrets.github.token} is set` },
      { stage: 'build', check: 'SECRET', ok: true, message: `\${secrets.github.token} is set` },
      {
        stage: 'build',
        check: 'SECRET',
        ok: false,
        message: `\${secrets.github.password}: integration "github" has no secret field "password" (it has: token, webhookSecret)`,
      },
      {
        stage: 'build',
        check: 'SECRET',
        ok: false,
        message: `\${secrets.vault.key}: the tenant has no integration "vault"`,
      },
      { stage: 'build', check: 'SECRET', ok: true, message: `\${secrets.github.webhookSecret} is set` },
      {
        stage: 'build',
        check: 'SECRET',
        ok: false,
        message: `\${secrets.bare.dir}: integration "bare" has no secret field "dir" (it has: none)`,
      },
    ]);
  });

  it('tells a reference once per stage however often it appears, and skips escaped ones', () => {
    const checks = secretChecks(
      spec({
        stages: [
          {
            name: 'a',
            command: ['sh', '-c', `echo \${secrets.github.token} \${secrets.github.token} $\${secrets.nope.x}`],
            env: [{ name: 'T', value: `\${secrets.github.token}` }],
          },
          { name: 'b', env: [{ name: 'T', value: `\${secrets.github.token}` }] },
        ],
      }),
      integrations,
    );
    expect(checks.map((check) => [check.stage, check.ok])).toEqual([
      ['a', true],
      ['b', true],
    ]);
  });

  it('has nothing to say of a workflow that names no secret', () => {
    expect(secretChecks(spec({ stages: [{ name: 'a' }] }), new Map())).toEqual([]);
  });
});

describe('resourceChecks', () => {
  it('checks every input and output resource of each stage once against the project', () => {
    const checks = resourceChecks(
      spec({
        stages: [
          {
            name: 'build',
            inputs: { resources: [{ name: 'src', path: '/workspace/src' }] },
            outputs: { resources: [{ name: 'image' }, { name: 'src' }] },
          },
          { name: 'deploy', inputs: { resources: [{ name: 'chart', path: '/chart' }] } },
          { name: 'plain' },
        ],
      }),
      new Set(['src', 'image']),
    );
    expect(checks).toEqual([
      { stage: 'build', check: 'RESOURCE', ok: true, message: 'resource "src" exists' },
      { stage: 'build', check: 'RESOURCE', ok: true, message: 'resource "image" exists' },
      { stage: 'deploy', check: 'RESOURCE', ok: false, message: 'the project has no resource "chart"' },
    ]);
    expect(failed(checks).map((check) => check.stage)).toEqual(['deploy']);
  });
});

describe('resolvedImage', () => {
  const variables = [
    { name: 'REGISTRY', value: 'registry.example.com' },
    { name: 'TAG', value: '1.4.2' },
  ];

  it('puts the run variables into the image', () => {
    expect(resolvedImage(`\${variables.REGISTRY}/shop/api:\${variables.TAG}`, variables)).toBe(
      'registry.example.com/shop/api:1.4.2',
    );
    expect(resolvedImage('alpine:3.20', variables)).toBe('alpine:3.20');
  });

  it('gives null for an image only a run knows: an unknown variable, a stage output, a secret, a generator', () => {
    expect(resolvedImage(`shop/api:\${variables.MISSING}`, variables)).toBeNull();
    expect(resolvedImage(`shop/api:\${stages.build.outputs.tag}`, variables)).toBeNull();
    expect(resolvedImage(`\${secrets.registry.host}/api:1`, variables)).toBeNull();
    expect(resolvedImage('shop/api:$(random:6)', variables)).toBeNull();
  });
});

describe('runVariables', () => {
  const workflow = spec({
    globalVariables: [
      { name: 'TAG', value: 'latest' },
      { name: 'REGISTRY', value: 'registry.example.com' },
    ],
    stages: [{ name: 'a' }],
  });

  it('applies variables.NAME parameters over the global variables, in the workflow order', () => {
    expect(
      runVariables(workflow, [
        { name: 'variables.TAG', value: '2.0.0' },
        { name: 'resources.src.SCM_REVISION', value: 'main' },
      ]),
    ).toEqual([
      { name: 'TAG', value: '2.0.0' },
      { name: 'REGISTRY', value: 'registry.example.com' },
    ]);
  });

  it('ignores parameters that name no global variable and keeps defaults without parameters', () => {
    expect(runVariables(workflow, [{ name: 'variables.OTHER', value: 'x' }])).toEqual(workflow.globalVariables);
    expect(runVariables(workflow, [{ name: 'TAG', value: 'not-a-variable-parameter' }])).toEqual(
      workflow.globalVariables,
    );
  });
});
