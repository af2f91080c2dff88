import { describe, expect, it } from 'vitest';
import { parseManifests, printManifests } from './index.js';

/** The original's label `workflowrun.cyclone.dev/acceleration` on a Workflow and a WorkflowRun. */
const doc = (kind: string, labels: string, spec: string) => `apiVersion: cyclone.dev/v1alpha1
kind: ${kind}
metadata:
  name: build
${labels}spec:
${spec}`;
const LABEL = (value: string) => `  labels:\n    workflowrun.cyclone.dev/acceleration: ${value}\n`;
const WORKFLOW_SPEC = '  stages:\n    - name: compile\n';
const RUN_SPEC = '  workflowRef:\n    name: build\n';

describe('the acceleration label', () => {
  it('turns acceleration on for a Workflow and prints back the same', () => {
    const text = doc('Workflow', LABEL('"true"'), WORKFLOW_SPEC);
    const { documents: manifests, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    expect(manifests[0]?.kind === 'Workflow' && manifests[0].spec.acceleration).toBe(true);
    expect(printManifests(manifests)).toContain('workflowrun.cyclone.dev/acceleration: "true"');
    const again = parseManifests(printManifests(manifests));
    expect(again.documents).toEqual(manifests);
  });

  it('a WorkflowRun says on or off for itself; absent, its workflow decides', () => {
    for (const [label, expected] of [
      [LABEL('"true"'), true],
      [LABEL('"false"'), false],
      ['', undefined],
    ] as const) {
      const { documents: manifests, errors } = parseManifests(doc('WorkflowRun', label, RUN_SPEC));
      expect(errors).toEqual([]);
      expect(manifests[0]?.kind === 'WorkflowRun' && manifests[0].spec.acceleration).toBe(expected);
      expect(parseManifests(printManifests(manifests)).documents).toEqual(manifests);
    }
  });

  it('refuses another value, naming the label', () => {
    const { errors } = parseManifests(doc('Workflow', LABEL('"yes"'), WORKFLOW_SPEC));
    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'documents[0].metadata.labels["workflowrun.cyclone.dev/acceleration"]: must be "true" or "false"',
    ]);
  });
});
