import { describe, expect, it } from 'vitest';
import {
  boundParameterValue,
  checkRegisteredResource,
  checkResourceTypeSpec,
  httpPushSettings,
  resourceTypeSpecSchema,
} from './resource-types.js';

const type = resourceTypeSpecSchema.parse({
  name: 'resource-type-image',
  type: 'Registry',
  resolver: 'resolvers/registry:1',
  operations: ['push'],
  parameters: [
    { name: 'REGISTRY', required: true },
    { name: 'REPOSITORY', required: true },
    { name: 'PASSWORD', required: true },
  ],
  bind: {
    integrationType: 'DockerRegistry',
    paramBindings: { REGISTRY: 'dockerRegistry.server', PASSWORD: 'dockerRegistry.password' },
  },
});

describe('resource types', () => {
  it('take the original form, with defaults for what a parameter omits', () => {
    expect(type.parameters[0]).toEqual({ name: 'REGISTRY', required: true, description: '' });
    expect(checkResourceTypeSpec(type)).toEqual([]);
  });

  it('refuse a built-in name, an operation twice, a repeated parameter, an unknown integration type and a binding of no parameter', () => {
    const problems = checkResourceTypeSpec({
      ...type,
      type: 'Svn',
      operations: ['pull', 'pull'],
      parameters: [...type.parameters, { name: 'REGISTRY', required: false, description: '' }],
      bind: { integrationType: 'Jira', paramBindings: { TOKEN: 'jira.token' } },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'type',
      'operations',
      'parameters[3].name',
      'bind.integrationType',
      'bind.paramBindings.TOKEN',
    ]);
    expect(problems[0]?.message).toMatch(/^Svn is built into Cyclone/);
  });

  it('accept Cyclone’s own integration type names as well as the original’s', () => {
    expect(checkResourceTypeSpec({ ...type, bind: { integrationType: 'HARBOR', paramBindings: {} } })).toEqual([]);
  });

  it('read a binding from the integration’s config, then its secret; user is username', () => {
    const integration = { config: { server: 'https://r.example.com', username: 'ci' }, secret: { password: 'pw' } };
    expect(boundParameterValue('dockerRegistry.server', integration)).toBe('https://r.example.com');
    expect(boundParameterValue('dockerRegistry.user', integration)).toBe('ci');
    expect(boundParameterValue('dockerRegistry.password', integration)).toBe('pw');
    expect(boundParameterValue('dockerRegistry.token', integration)).toBeUndefined();
  });

  it('check a resource against its type: required parameters unless bound, and the bound integration’s type', () => {
    const given = [{ name: 'REPOSITORY', value: 'shop' }];
    expect(checkRegisteredResource({ parameters: given }, type, undefined).map((p) => p.message)).toEqual([
      'a Registry resource needs the parameter REGISTRY',
      'a Registry resource needs the parameter PASSWORD',
    ]);
    expect(checkRegisteredResource({ parameters: given, integration: 'harbor' }, type, 'HARBOR')).toEqual([]);
    expect(checkRegisteredResource({ parameters: given, integration: 'gl' }, type, 'GITLAB')[0]?.message).toBe(
      'a Registry resource binds a DockerRegistry integration (DOCKER_REGISTRY, HARBOR, DOCKER_HUB); "gl" is GITLAB',
    );
  });
});

describe('Http resource settings', () => {
  const settings = (entries: Record<string, string>) => httpPushSettings(new Map(Object.entries(entries)));

  it('default to a POST of artifact.tar under the form field file', () => {
    expect(settings({ URL: 'https://up.example.com/files' })).toEqual({
      url: 'https://up.example.com/files',
      method: 'POST',
      headers: [],
      formFileKey: 'file',
      fileName: 'artifact.tar',
    });
  });

  it('read the original’s HEADERS (space separated Name:value) and one per line', () => {
    const spaced = settings({ URL: 'http://h/x', METHOD: 'put', HEADERS: 'X-Tenant:devops X-User:cyclone' });
    expect(spaced).toMatchObject({
      method: 'PUT',
      headers: [
        { name: 'X-Tenant', value: 'devops' },
        { name: 'X-User', value: 'cyclone' },
      ],
    });
    const lines = settings({ URL: 'http://h/x', HEADERS: 'Authorization: Bearer abc\nX-A: b' });
    expect(lines).toMatchObject({
      headers: [
        { name: 'Authorization', value: 'Bearer abc' },
        { name: 'X-A', value: 'b' },
      ],
    });
  });

  it('say what is wrong', () => {
    expect(settings({ URL: 'ftp://h/x' })).toBe('URL must be an http:// or https:// URL');
    expect(settings({ URL: 'http://h/x', METHOD: 'GET' })).toBe('METHOD must be POST or PUT, not GET');
    expect(settings({ URL: 'http://h/x', HEADERS: 'nocolon' })).toBe('HEADERS: "nocolon" is not Name:value');
    expect(settings({ URL: 'http://h/x', COMPRESS_FILE_NAME: '../x.tar' })).toBe(
      'COMPRESS_FILE_NAME must be a plain file name',
    );
  });
});
