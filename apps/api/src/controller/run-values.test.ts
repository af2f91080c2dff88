// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { ValuesError, workflowStageSchema } from '@cyclone/domain';
import { describe, expect, it } from 'vitest';
import {
  applyStageParameters,
  parametersFor,
  resolveVariableSecrets,
  resourceParametersFor,
  runVariables,
  substituteStage,
} from './run-values.js';

const run = { id: '5cc4c9ff-a49b-46b2-aac3-1d1120b85929', createdAt: new Date('2026-01-02T03:04:05Z'), parameters: [] };
const globals = {
  globalVariables: [
    { name: 'TAG', value: 'build-$(random:6)' },
    { name: 'AT', value: '$(timenow:20060102150405)' },
  ],
};

describe('runVariables', () => {
  it('gives the same values on every evaluation of one run and other values for another run', () => {
    const first = runVariables(run, globals);
    expect(first[0]?.value).toMatch(/^build-[a-z0-9]{6}$/);
    expect(first[1]).toEqual({ name: 'AT', value: '20260102030405' });
    expect(runVariables({ ...run }, globals)).toEqual(first);
    expect(runVariables({ ...run, id: 'another' }, globals)[0]?.value).not.toBe(first[0]?.value);
  });

  it('lets parameters named variables.NAME override or add variables, other parameters not', () => {
    const parameters = [
      { name: 'variables.TAG', value: 'x-$(random:2)' },
      { name: 'variables.NEW', value: 'n' },
      { name: 'stages.a.REV', value: 'ignored' },
    ];
    const vars = runVariables({ ...run, parameters }, globals);
    expect(vars.map((v) => v.name)).toEqual(['TAG', 'AT', 'NEW']);
    expect(vars[0]?.value).toMatch(/^x-[a-z0-9]{2}$/);
    expect(vars[2]?.value).toBe('n');
  });
});

describe('substituteStage', () => {
  const stage = (name: string, extra: Record<string, unknown> = {}) =>
    workflowStageSchema.parse({ name, image: 'alpine', ...extra });
  const spec = {
    stages: [
      stage('a'),
      stage('b', { dependsOn: ['a'] }),
      stage('c', {
        dependsOn: ['b'],
        image: 'registry/app:${stages.a.outputs.k}-${variables.V}',
        command: ['echo', '${variables.V}'],
        args: ['${stages.a.outputs.k}'],
        env: [{ name: 'E', value: '${stages.b.outputs.k}' }],
        workingDir: 'w/${variables.V}',
      }),
      stage('d'),
    ],
  };
  const rows = [
    { stage: 'a', phase: 'SUCCEEDED', outputs: [{ key: 'k', value: 'from-a' }] },
    { stage: 'b', phase: 'SUCCEEDED', outputs: [{ key: 'k', value: 'from-b' }] },
    { stage: 'd', phase: 'SUCCEEDED', outputs: [{ key: 'k', value: 'from-d' }] },
  ];

  it('substitutes every field with variables and outputs of upstream stages, direct or not', () => {
    expect(substituteStage(spec.stages[2] as never, spec, [{ name: 'V', value: 'v' }], rows)).toEqual({
      image: 'registry/app:from-a-v',
      command: ['echo', 'v'],
      args: ['from-a'],
      env: [{ name: 'E', value: 'from-b' }],
      workingDir: 'w/v',
    });
  });

  it('resolves no secret in an image, where it would be visible', () => {
    const secret = stage('s', { image: 'app:${secrets.vault.token}' });
    const context = { secrets: new Map([['vault', { token: 'hunter2' }]]), usedSecrets: new Set<string>() };
    expect(() => substituteStage(secret, { stages: [secret] }, [], [], context)).toThrow(ValuesError);
  });

  it('refuses outputs of stages that are not upstream or did not succeed', () => {
    const other = stage('e', { dependsOn: ['a'], args: ['${stages.d.outputs.k}'] });
    expect(() => substituteStage(other, { stages: [...spec.stages, other] }, [], rows)).toThrow(ValuesError);
    const failedA = [{ stage: 'a', phase: 'FAILED', outputs: [] }];
    const fromA = stage('f', { dependsOn: ['a'], args: ['${stages.a.outputs.k}'] });
    expect(() => substituteStage(fromA, { stages: [...spec.stages, fromA] }, [], failedA)).toThrow(
      '"a" is not a succeeded upstream stage',
    );
  });
});

describe('run parameters', () => {
  const stage = workflowStageSchema.parse({
    name: 'compile',
    image: 'golang',
    command: ['sh', '-c', 'go build {{ FLAGS }} -o {{{ OUT }}} && docker inspect -f "{{ .Id }}" x'],
    env: [
      { name: 'CGO_ENABLED', value: '0' },
      { name: 'TARGET', value: '{{OUT}}' },
    ],
    inputs: {
      arguments: [
        { name: 'FLAGS', value: '-v' },
        { name: 'OUT', value: 'bin/app' },
      ],
    },
  });
  const withParameters = (...parameters: { name: string; value: string }[]) => ({ parameters });

  it('fills declared arguments, overridden by stages.<stage>.<NAME>, and leaves other {{ }} alone', () => {
    const filled = applyStageParameters(stage, withParameters({ name: 'stages.compile.OUT', value: 'out/x' }));
    expect(filled.command[2]).toBe('go build -v -o out/x && docker inspect -f "{{ .Id }}" x');
    expect(filled.env).toEqual([
      { name: 'CGO_ENABLED', value: '0' },
      { name: 'TARGET', value: 'out/x' },
      { name: 'OUT', value: 'out/x' },
    ]);
  });

  it('sets env vars of a plain stage and ignores parameters of other stages', () => {
    const plain = workflowStageSchema.parse({ name: 'test', image: 'x', env: [{ name: 'GOFLAGS', value: '' }] });
    const given = withParameters(
      { name: 'stages.test.GOFLAGS', value: '-mod=vendor' },
      { name: 'stages.other.GOFLAGS', value: 'no' },
      { name: 'resources.src.SCM_REVISION', value: 'v2' },
    );
    expect(applyStageParameters(plain, given).env).toEqual([{ name: 'GOFLAGS', value: '-mod=vendor' }]);
    expect(applyStageParameters(plain, withParameters())).toBe(plain);
  });

  it('refuses a used argument without a value, naming the parameter to give', () => {
    const open = workflowStageSchema.parse({
      name: 'deploy',
      image: 'x',
      args: ['{{ ENV }}'],
      inputs: { arguments: [{ name: 'ENV' }] },
    });
    expect(() => applyStageParameters(open, withParameters())).toThrow(
      'argument "ENV" of stage "deploy" needs a value: give the run parameter stages.deploy.ENV',
    );
    expect(applyStageParameters(open, withParameters({ name: 'stages.deploy.ENV', value: 'prod' })).args).toEqual([
      'prod',
    ]);
  });

  it('overrides and adds resource parameters with resources.<resource>.<PARAM>', () => {
    const base = [
      { name: 'SCM_URL', value: 'https://git.example.com/a.git' },
      { name: 'SCM_REVISION', value: 'main' },
    ];
    const given = withParameters(
      { name: 'resources.src.SCM_REVISION', value: 'v1.2.0' },
      { name: 'resources.src.EXTRA', value: 'x' },
      { name: 'resources.other.SCM_REVISION', value: 'no' },
    );
    expect(Object.fromEntries(resourceParametersFor(given, 'src', base))).toEqual({
      SCM_URL: 'https://git.example.com/a.git',
      SCM_REVISION: 'v1.2.0',
      EXTRA: 'x',
    });
    expect([...parametersFor(given, 'resources', 'other')]).toEqual([['SCM_REVISION', 'no']]);
  });

  it('resolves secrets in variables, leaving other references as they are', () => {
    const usedSecrets = new Set<string>();
    const secrets = new Map([['vault', { token: 's3' }]]);
    expect(
      resolveVariableSecrets([{ name: 'A', value: 'x-${secrets.vault.token}-${variables.B}' }], {
        secrets,
        usedSecrets,
      }),
    ).toEqual([{ name: 'A', value: 'x-s3-${variables.B}' }]);
    expect([...usedSecrets]).toEqual(['s3']);
  });
});
