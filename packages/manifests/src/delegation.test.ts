import { workflowSpecSchema } from '@cyclone/domain';
import { describe, expect, it } from 'vitest';
import {
  formatManifestError,
  joinWorkflow,
  type Manifest,
  parseManifests,
  printManifests,
  splitWorkflow,
} from './index.js';

/** The original Cyclone's delegated stage: a Stage with spec.delegation and no spec.pod. */
const text = `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata:
  name: build
spec:
  pod:
    spec:
      containers:
        - image: golang:1.22
          command:
            - make
---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata:
  name: release
spec:
  delegation:
    type: Jenkins
    url: https://ci.example.com/hook
    config: '{"job": "release"}'
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata:
  name: ship
spec:
  stages:
    - name: build
    - name: release
      depends:
        - build
      trivial: true
`;

const errorsOf = (yaml: string) => parseManifests(yaml).errors.map(formatManifestError);

/** A one-document Stage with the given spec, in YAML flow syntax. */
const stage = (spec: string, metadata = '{name: release}') =>
  `apiVersion: cyclone.dev/v1alpha1\nkind: Stage\nmetadata: ${metadata}\nspec: ${spec}\n`;
const delegation = '{type: Jenkins, url: "https://ci.example.com/hook"}';

describe('delegated stages (spec.delegation)', () => {
  it('reads a Stage without a pod into a definition that runs nothing, config kept as given', () => {
    const { documents, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    expect(documents[1]).toEqual({
      kind: 'Stage',
      spec: {
        name: 'release',
        image: '',
        command: [],
        args: [],
        env: [],
        inputs: { resources: [], artifacts: [], arguments: [] },
        outputs: { resources: [], artifacts: [] },
        delegation: { type: 'Jenkins', url: 'https://ci.example.com/hook', config: '{"job": "release"}' },
      },
    });
  });

  it('joins into a valid workflow stage, and exports back to the same documents', () => {
    const { documents } = parseManifests(text);
    const definitions = new Map(
      documents.flatMap((d) => (d.kind === 'Stage' && !d.template ? [[d.spec.name, d.spec] as const] : [])),
    );
    const workflow = documents.find((d) => d.kind === 'Workflow');
    if (workflow?.kind !== 'Workflow') throw new Error('no Workflow');
    const { spec, missing } = joinWorkflow(workflow.spec, (name) => definitions.get(name));
    expect(missing).toEqual([]);
    expect(spec.stages[1]).toMatchObject({
      name: 'release',
      image: '',
      dependsOn: ['build'],
      trivial: true,
      delegation: { type: 'Jenkins', url: 'https://ci.example.com/hook', config: '{"job": "release"}' },
    });
    // What the server stores: the domain's workflow rules take the delegated stage.
    expect(workflowSpecSchema.safeParse(spec).error?.issues).toBeUndefined();
    // Unlike an approval gate, the delegated stage keeps its Stage document when exported.
    const split = splitWorkflow('ship', spec);
    const exported: Manifest[] = [
      ...split.stages.map((definition) => ({ kind: 'Stage' as const, spec: definition })),
      { kind: 'Workflow', spec: split.workflow },
    ];
    expect(printManifests(exported)).toBe(text);
    expect(printManifests(documents)).toBe(text);
  });

  it('keeps a config of any YAML value, and no config when none is given', () => {
    const read = (spec: string) => {
      const document = parseManifests(stage(spec)).documents[0];
      return document?.kind === 'Stage' ? document.spec.delegation : undefined;
    };
    const object = read(
      '{delegation: {type: Webhook, url: "http://hooks.ci:8080/x", config: {job: a, n: [1, "2", {}]}}}',
    );
    expect(object?.config).toEqual({ job: 'a', n: [1, '2', {}] });
    const none = read(`{delegation: ${delegation}}`);
    expect(none).toEqual({ type: 'Jenkins', url: 'https://ci.example.com/hook' });
    expect(none && 'config' in none).toBe(false);
    // An empty mapping is a value the external system is sent: it prints back.
    const empty = parseManifests(stage('{delegation: {type: J, url: "https://x.example", config: {}}}')).documents;
    expect(printManifests(empty)).toContain('    config: {}\n');
  });

  it.each([
    [
      stage(`{pod: {spec: {containers: [{image: alpine}]}}, delegation: ${delegation}}`),
      'documents[0].spec.delegation: a Stage has spec.pod or spec.delegation, not both',
    ],
    [stage('{}'), 'documents[0].spec.pod: required'],
    [
      stage(`{delegation: ${delegation}}`, '{name: release, labels: {stage.cyclone.dev/template: "true"}}'),
      'documents[0].spec.delegation: a stage template cannot be delegated',
    ],
    [stage('{delegation: Jenkins}'), 'documents[0].spec.delegation: must be a mapping'],
    [stage('{delegation: {url: "https://ci.example.com/hook"}}'), 'documents[0].spec.delegation.type: required'],
    [
      stage('{delegation: {type: Jenkins, url: "ftp://ci.example.com/hook"}}'),
      'documents[0].spec.delegation.url: must be an http:// or https:// URL without credentials in it',
    ],
    [
      stage(`{delegation: ${delegation}, caches: [{key: go, paths: [.cache]}]}`),
      'documents[0].spec.caches: a delegated stage runs no container: it takes no caches',
    ],
    // The schema lets image be empty for delegated stages; a pod's workload still needs one.
    [
      stage('{pod: {spec: {containers: [{image: ""}]}}}'),
      'documents[0].spec.pod.spec.containers[0].image: must not be empty',
    ],
  ])('refuses %j, naming the field', (yaml, error) => {
    expect(errorsOf(yaml)).toEqual([error]);
  });
});
