import { describe, expect, it } from 'vitest';
import { formatManifestError, parseManifests, printManifests } from './index.js';

// The shape of the original's registered types (its Helm chart's resource-type.yaml).
const TYPE = `apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata:
  name: resource-type-git
  namespace: cyclone-system
  labels:
    resource.cyclone.dev/template: "true"
    cyclone.dev/builtin: "true"
spec:
  type: GitMirror
  resolver: registry.example.com/cyclone/cyclone-resolver-git:v1.0.0
  operations:
  - pull
  parameters:
  - name: SCM_URL
    required: true
    description: >
      URL of the scm, for example, https://github.com/caicloud/cyclone.git.
  - name: SCM_REVISION
    required: true
  - name: SCM_AUTH
    description: token or user:password
  bind:
    integrationType: SCM
    paramBindings:
      SCM_URL: scm.server
      SCM_AUTH: scm.token
`;

describe('resource types in Cyclone YAML', () => {
  it('decode a labelled Resource as a resource type, and print it back the same way', () => {
    const { documents, errors } = parseManifests(TYPE);
    expect(errors).toEqual([]);
    expect(documents).toEqual([
      {
        kind: 'ResourceType',
        spec: {
          name: 'resource-type-git',
          type: 'GitMirror',
          resolver: 'registry.example.com/cyclone/cyclone-resolver-git:v1.0.0',
          operations: ['pull'],
          parameters: [
            {
              name: 'SCM_URL',
              required: true,
              description: 'URL of the scm, for example, https://github.com/caicloud/cyclone.git.',
            },
            { name: 'SCM_REVISION', required: true, description: '' },
            { name: 'SCM_AUTH', required: false, description: 'token or user:password' },
          ],
          bind: { integrationType: 'SCM', paramBindings: { SCM_URL: 'scm.server', SCM_AUTH: 'scm.token' } },
        },
      },
    ]);
    const printed = printManifests(documents);
    expect(printed).toContain('resource.cyclone.dev/template: "true"');
    expect(parseManifests(printed).documents).toEqual(documents);
    expect(printManifests(parseManifests(printed).documents)).toBe(printed);
  });

  it('name the field of a mistake in a type', () => {
    const cases: [string, string][] = [
      [
        TYPE.replace('  resolver: registry.example.com/cyclone/cyclone-resolver-git:v1.0.0\n', ''),
        'documents[0].spec.resolver: required',
      ],
      [TYPE.replace('  operations:\n  - pull\n', '  operations: []\n'), 'documents[0].spec.operations'],
      [TYPE.replace('type: GitMirror', 'type: Git'), 'documents[0].spec.type: Git is built into Cyclone'],
      [
        TYPE.replace('SCM_AUTH: scm.token', 'SCM_AUTH: token'),
        'documents[0].spec.bind.paramBindings.SCM_AUTH: must be <integration>.<field>',
      ],
    ];
    for (const [text, message] of cases) {
      expect(parseManifests(text).errors.map(formatManifestError).join('\n')).toContain(message);
    }
  });

  it('keep an output resource’s path, and a resource of a registered type', () => {
    const text = `apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata: {name: libs}
spec:
  type: GitMirror
  parameters: [{name: SCM_URL, value: "https://git.example.com/libs.git"}]
---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: build}
spec:
  pod:
    outputs:
      resources: [{name: libs, path: /workspace/dist}]
    spec:
      containers: [{image: alpine:3.20}]
`;
    const { documents, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    expect(documents[0]).toMatchObject({ kind: 'Resource', spec: { type: 'GitMirror' } });
    expect(documents[1]).toMatchObject({
      kind: 'Stage',
      spec: { outputs: { resources: [{ name: 'libs', path: '/workspace/dist' }] } },
    });
    expect(parseManifests(printManifests(documents)).documents).toEqual(documents);
  });
});
