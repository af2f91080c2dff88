import { describe, expect, it } from 'vitest';
import { GraphQLRequestError } from '@/lib/graphql/errors';
import {
  blankResourceDraft,
  draftFromResource,
  draftToResourceFields,
  integrationsFor,
  type ResourceTypeOption,
  retypeDraft,
  serverFieldError,
  takesResolver,
  typeNameOf,
} from './resource-form';

const http: ResourceTypeOption = {
  type: 'Http',
  builtin: true,
  resolvedBy: 'CYCLONE',
  parameters: [
    { name: 'URL', required: true, description: 'Where to send it.' },
    { name: 'METHOD', required: false, description: 'POST or PUT.' },
  ],
};
const general: ResourceTypeOption = { type: 'General', builtin: true, resolvedBy: 'RESOLVER_IMAGE', parameters: [] };
const oss: ResourceTypeOption = {
  type: 'oss',
  builtin: false,
  resolvedBy: 'RESOLVER_IMAGE',
  parameters: [
    { name: 'BUCKET', required: true },
    { name: 'SCM_URL', required: false },
  ],
  bind: { integrationType: 'SCM' },
};
const types = [http, general, oss];

describe('resource form', () => {
  it("prefills the chosen type's parameters, and keeps values with the same name when the type changes", () => {
    const draft = blankResourceDraft(http);
    expect(draft).toMatchObject({ type: 'Http', values: { URL: '', METHOD: '' }, extra: [] });
    const typed = { ...draft, values: { URL: 'https://up.example.com', METHOD: 'PUT', FORM_FILE_KEY: '' } };
    const moved = retypeDraft({ ...typed, extra: [{ name: 'BUCKET', value: 'b1' }] }, oss);
    expect(moved.values).toEqual({ BUCKET: 'b1', SCM_URL: '' });
    expect(moved.extra).toEqual([
      { name: 'URL', value: 'https://up.example.com' },
      { name: 'METHOD', value: 'PUT' },
    ]);
  });

  it('reads a resource back: the registered type by name, a built-in by its spelling, other parameters as extra rows', () => {
    const resource = {
      name: 'reports',
      type: 'REGISTERED',
      registeredType: 'oss',
      integration: 'github',
      resolver: null,
      parameters: [
        { name: 'BUCKET', value: 'b1' },
        { name: 'REGION', value: 'eu' },
      ],
    };
    expect(typeNameOf({ type: 'HTTP' }, types)).toBe('Http');
    expect(draftFromResource(resource, types)).toEqual({
      name: 'reports',
      type: 'oss',
      values: { BUCKET: 'b1', SCM_URL: '' },
      extra: [{ name: 'REGION', value: 'eu' }],
      integration: 'github',
      resolver: '',
    });
  });

  it('sends built-ins by enum and registered types as REGISTERED; blank values are left out unless sealed', () => {
    const draft = { ...blankResourceDraft(http), name: ' upload ', values: { URL: '', METHOD: 'PUT' } };
    expect(draftToResourceFields(draft, http)).toEqual({
      name: 'upload',
      type: 'HTTP',
      registeredType: null,
      parameters: [{ name: 'METHOD', value: 'PUT' }],
      integration: null,
      resolver: null,
    });
    const registered = {
      ...blankResourceDraft(oss),
      name: 'r',
      values: { BUCKET: 'b', SCM_URL: '' },
      resolver: ' x:1 ',
    };
    expect(draftToResourceFields(registered, oss, ['SCM_URL'])).toMatchObject({
      type: 'REGISTERED',
      registeredType: 'oss',
      parameters: [
        { name: 'BUCKET', value: 'b' },
        { name: 'SCM_URL', value: '' },
      ],
      resolver: 'x:1',
    });
  });

  it('offers a resolver image for General (required) and registered types (an override), not for the others', () => {
    expect([http, general, oss, undefined].map(takesResolver)).toEqual(['none', 'required', 'optional', 'none']);
  });

  it('offers only integrations of the bound kind for a registered type with a binding', () => {
    const integrations = [
      { name: 'gh', type: 'GITHUB' },
      { name: 'hub', type: 'DOCKER_HUB' },
      { name: 'svn', type: 'SVN' },
    ];
    expect(integrationsFor(oss, integrations).map((i) => i.name)).toEqual(['gh', 'svn']);
    expect(integrationsFor({ ...oss, bind: { integrationType: 'HARBOR' } }, integrations)).toEqual([]);
    expect(integrationsFor(http, integrations)).toHaveLength(3);
  });

  it('finds the form field of a server error from extensions.field', () => {
    const error = GraphQLRequestError.fromErrors([
      {
        message: 'input.parameters: a oss resource needs the parameter BUCKET',
        extensions: { code: 'BAD_USER_INPUT', field: 'input.parameters' },
      },
    ]);
    expect(serverFieldError(error)).toEqual({
      message: 'input.parameters: a oss resource needs the parameter BUCKET',
      field: 'input.parameters',
      formField: 'parameters',
    });
    const typed = GraphQLRequestError.fromErrors([{ message: 'x', extensions: { field: 'input.registeredType' } }]);
    expect(serverFieldError(typed).formField).toBe('type');
    expect(serverFieldError(new Error('offline'))).toEqual({ message: 'offline' });
  });
});
