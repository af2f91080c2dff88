// biome-ignore-all lint/suspicious/noTemplateCurlyInString: cache keys are Cyclone references.
import type { StageDefinition } from '@cyclone/domain';
import { describe, expect, it } from 'vitest';
import { joinWorkflow, parseManifests, printManifests, splitWorkflow } from './index.js';

const STAGE = `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: build}
spec:
  pod:
    spec:
      containers: [{image: golang}]
`;

const workflow = (caches: string) => `apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: ci}
spec:
  stages:
    - name: build
${caches}`;

describe('caches in Cyclone YAML', () => {
  it("reads them from the Workflow document's stage entry and prints them back there", () => {
    const text = `${STAGE}---\n${workflow(`      caches:
        - key: go-\${hashFiles('go.sum')}
          paths: [.cache/go]
          restoreKeys: [go-]
`)}`;
    const parsed = parseManifests(text);
    expect(parsed.errors).toEqual([]);
    const [stage, flow] = parsed.documents;
    if (stage?.kind !== 'Stage' || flow?.kind !== 'Workflow') throw new Error('unexpected documents');
    const { spec } = joinWorkflow(flow.spec, () => stage.spec as StageDefinition);
    expect(spec.stages[0]?.caches).toEqual([
      { key: "go-${hashFiles('go.sum')}", paths: ['.cache/go'], restoreKeys: ['go-'] },
    ]);
    const split = splitWorkflow('ci', spec);
    expect(split.stages[0]).not.toHaveProperty('caches');
    const printed = printManifests([
      { kind: 'Stage', spec: split.stages[0] as never },
      { kind: 'Workflow', spec: split.workflow },
    ]);
    expect(printed).toContain("    - name: build\n      caches:\n        - key: go-${hashFiles('go.sum')}\n");
    expect(parseManifests(printed).documents).toEqual(parsed.documents);
  });

  it("takes a Stage document's spec.caches when the Workflow entry has none", () => {
    const parsed = parseManifests(`${STAGE}  caches:\n    - {key: k, paths: [out]}\n---\n${workflow('')}`);
    expect(parsed.errors).toEqual([]);
    const [stage, flow] = parsed.documents;
    if (stage?.kind !== 'Stage' || flow?.kind !== 'Workflow') throw new Error('unexpected documents');
    expect(joinWorkflow(flow.spec, () => stage.spec as StageDefinition).spec.stages[0]?.caches).toEqual([
      { key: 'k', paths: ['out'], restoreKeys: [] },
    ]);
  });

  it('refuses a path outside the workspace, naming the document, field and stage', () => {
    const parsed = parseManifests(workflow('      caches: [{key: k, paths: [ok, ../up]}]\n'));
    expect(parsed.errors).toEqual([
      {
        document: 0,
        path: 'documents[0].spec.stages[0].caches[0].paths[1]',
        message: 'stage "build": ../up must not contain ..',
      },
    ]);
  });
});
