import { describe, expect, it } from 'vitest';
import { stageDefinitionProblems, stageDefinitionSchema, workflowSpecSchema } from './specs.js';

describe('delegated stages in the specs', () => {
  const parse = (stages: unknown[]) => workflowSpecSchema.safeParse({ stages });
  const messages = (result: ReturnType<typeof parse>) =>
    result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const jenkins = { type: 'Jenkins', url: 'https://ci.example.com/hook' };

  it('a delegated workflow stage has no image; its config is any JSON value, kept as given', () => {
    for (const config of [undefined, '{}', { job: 'release', params: [1, true, null] }, 3]) {
      const result = parse([{ name: 'jenkins', delegation: { ...jenkins, config } }]);
      expect(result.success && result.data.stages[0]?.delegation).toEqual({ ...jenkins, config });
    }
  });

  it('refuses a URL that is not http(s) or carries credentials, an empty type, and container parts', () => {
    const bad = (delegation: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      messages(parse([{ name: 'jenkins', delegation: { ...jenkins, ...delegation }, ...extra }]));
    const urlMessage = 'stages.0.delegation.url: must be an http:// or https:// URL without credentials in it';
    expect(bad({ url: 'ftp://ci.example.com/hook' })).toEqual([urlMessage]);
    expect(bad({ url: 'https://user:pw@ci.example.com/hook' })).toEqual([urlMessage]);
    expect(bad({ url: 'ci.example.com/hook' })).toEqual([urlMessage]);
    expect(bad({ type: '' })).toEqual([expect.stringMatching(/^stages\.0\.delegation\.type: /)]);
    expect(bad({}, { image: 'alpine', command: ['make'] })).toEqual([
      'stages.0.image: a delegated stage runs no container: it takes no image',
      'stages.0.command: a delegated stage runs no container: it takes no command',
    ]);
    expect(bad({}, { approval: { count: 1 } })).toContainEqual(
      'stages.0.delegation: a stage is one of an approval stage, a child workflow or a delegated stage',
    );
    expect(bad({}, { matrix: [{ name: 'os', values: ['a'] }] })).toContainEqual(
      'stages.0.matrix: an approval, child-workflow or delegated stage cannot fan out',
    );
  });

  it('retries hand the work over again: a delegated stage may have them, unlike an approval stage', () => {
    expect(messages(parse([{ name: 'jenkins', delegation: jenkins, retries: 2, timeout: '1h' }]))).toEqual([]);
  });

  it('a stage definition needs an image unless it is delegated', () => {
    const definition = (fields: Record<string, unknown>) => stageDefinitionSchema.parse({ name: 'jenkins', ...fields });
    expect(stageDefinitionProblems(definition({}))).toEqual([{ path: ['image'], message: 'must not be empty' }]);
    expect(stageDefinitionProblems(definition({ image: 'alpine' }))).toEqual([]);
    expect(stageDefinitionProblems(definition({ delegation: jenkins }))).toEqual([]);
    expect(stageDefinitionProblems(definition({ delegation: jenkins, env: [{ name: 'A', value: '1' }] }))).toEqual([
      { path: ['env'], message: 'a delegated stage runs no container: it takes no env' },
    ]);
  });
});

describe("a workflow's default resources", () => {
  const parse = (resources: unknown) =>
    workflowSpecSchema.safeParse({ resources, stages: [{ name: 'build', image: 'golang' }] });

  it('takes requests and limits of cpu and memory as Kubernetes quantities', () => {
    const resources = { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '4Gi' } };
    const result = parse(resources);
    expect(result.success && result.data.resources).toEqual(resources);
    expect(parse({ limits: { cpu: '0.5' } }).success).toBe(true);
  });

  it('refuses what is no quantity, naming the field', () => {
    const result = parse({ limits: { cpu: 'lots', memory: '4 gigs' } });
    expect(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'resources.limits.cpu: must be a cpu quantity like 500m, 1 or 2.5',
      'resources.limits.memory: must be a memory quantity like 512Mi, 2Gi or 1G',
    ]);
  });
});
