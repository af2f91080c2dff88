import type { StageDefinition } from '@cyclone/domain';
import { describe, expect, it } from 'vitest';
import { formatManifestError, joinWorkflow, parseManifests, printManifests, splitWorkflow } from './index.js';

const STAGE = `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: build}
spec:
  pod:
    spec:
      containers: [{image: golang}]
`;

/** A Workflow document whose spec starts with the given lines (indented two spaces). */
const workflow = (lines: string) => `apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: ci}
spec:
${lines}  stages:
    - name: build
`;

const errorsOf = (yaml: string) => parseManifests(yaml).errors.map(formatManifestError);
const resourcesOf = (yaml: string) => {
  const { documents, errors } = parseManifests(yaml);
  expect(errors).toEqual([]);
  const [flow] = documents;
  if (flow?.kind !== 'Workflow') throw new Error('expected a Workflow');
  return flow.spec.resources;
};

describe('default stage resources (Workflow spec.resources)', () => {
  it("reads the original's spec.Resources and prints it back as spec.resources, through a stored version", () => {
    const upstream = `${STAGE}---\n${workflow('  Resources:\n    limits: {cpu: "2", memory: 4Gi}\n')}`;
    const parsed = parseManifests(upstream);
    expect(parsed.errors).toEqual([]);
    const [stage, flow] = parsed.documents;
    if (stage?.kind !== 'Stage' || flow?.kind !== 'Workflow') throw new Error('unexpected documents');
    const { spec } = joinWorkflow(flow.spec, () => stage.spec as StageDefinition);
    expect(spec.resources).toEqual({ limits: { cpu: '2', memory: '4Gi' } });
    const split = splitWorkflow('ci', spec);
    const printed = printManifests([
      { kind: 'Stage', spec: split.stages[0] as StageDefinition },
      { kind: 'Workflow', spec: split.workflow },
    ]);
    expect(printed).toContain('spec:\n  resources:\n    limits:\n      cpu: "2"\n      memory: 4Gi\n  stages:\n');
    expect(printed).not.toContain('Resources');
    // export → apply → export gives the same text.
    const again = parseManifests(printed);
    expect(again.documents).toEqual(parsed.documents);
    expect(printManifests(again.documents)).toBe(printed);
  });

  it('prints only the keys set, requests before limits, and nothing when absent', () => {
    const only = resourcesOf(workflow('  resources:\n    limits: {memory: 1G}\n    requests: {cpu: 500m}\n'));
    expect(only).toEqual({ requests: { cpu: '500m' }, limits: { memory: '1G' } });
    const printed = printManifests([{ kind: 'Workflow', spec: { ...baseSpec(), resources: only } }]);
    expect(printed).toContain('  resources:\n    requests:\n      cpu: 500m\n    limits:\n      memory: 1G\n');
    expect(printManifests([{ kind: 'Workflow', spec: baseSpec() }])).not.toContain('resources');
    expect(resourcesOf(workflow('  resources: {requests: {}}\n'))).toBeUndefined();
  });

  it('takes YAML numbers as their text', () => {
    expect(resourcesOf(workflow('  resources: {requests: {cpu: 2, memory: 1048576}, limits: {cpu: 0.5}}\n'))).toEqual({
      requests: { cpu: '2', memory: '1048576' },
      limits: { cpu: '0.5' },
    });
  });

  it('refuses both spellings at once', () => {
    const both = workflow('  resources: {limits: {cpu: "1"}}\n  Resources: {limits: {cpu: "2"}}\n');
    expect(errorsOf(both)).toEqual(['documents[0].spec.Resources: give spec.resources or spec.Resources, not both']);
    expect(parseManifests(both).documents).toEqual([]);
  });

  it('refuses keys other than requests and limits, and cpu and memory inside them, naming the field', () => {
    expect(errorsOf(workflow('  resources: {limits: {cpu: "1", gpu: "1"}}\n'))).toEqual([
      'documents[0].spec.resources.limits.gpu: only cpu and memory are taken',
    ]);
    expect(errorsOf(workflow('  Resources: {claims: [{name: x}]}\n'))).toEqual([
      'documents[0].spec.Resources.claims: only requests and limits are taken',
    ]);
    expect(errorsOf(workflow('  resources: {limits: 2}\n'))).toEqual([
      'documents[0].spec.resources.limits: must be a mapping',
    ]);
  });

  it("names the field of a bad quantity with the domain's message, in the spelling used", () => {
    expect(errorsOf(workflow('  resources: {limits: {cpu: lots}}\n'))).toEqual([
      'documents[0].spec.resources.limits.cpu: must be a cpu quantity like 500m, 1 or 2.5',
    ]);
    expect(errorsOf(workflow('  Resources: {requests: {memory: 2 GB}}\n'))).toEqual([
      'documents[0].spec.Resources.requests.memory: must be a memory quantity like 512Mi, 2Gi or 1G',
    ]);
  });
});

function baseSpec() {
  return {
    name: 'ci',
    description: '',
    globalVariables: [],
    stages: [
      { name: 'build', dependsOn: [], artifactSources: [], trivial: false, retries: 0, finally: false, matrix: [] },
    ],
  };
}
