import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asCycloneResource, K8S_DIR, readYamlDocuments } from './files.js';
import type { CycloneResource, StageCr, WorkflowCr, WorkflowTriggerCr } from './types.js';

describe('Cyclone resource types', () => {
  const examples = readYamlDocuments(join(K8S_DIR, 'examples/valid')).map(({ object }) => asCycloneResource(object));

  it('read every valid example as a typed resource', () => {
    const kinds = new Set(examples.map((e: CycloneResource) => e.kind));
    expect([...kinds].sort()).toEqual(
      ['ExecutionCluster', 'Project', 'Resource', 'Stage', 'Workflow', 'WorkflowRun', 'WorkflowTrigger'].sort(),
    );
    const stage = examples.find((e): e is StageCr => e.kind === 'Stage') as StageCr;
    expect(stage.spec.pod?.spec.containers[0]?.image).toBe('golang:1.22-alpine');
    const workflow = examples.find((e): e is WorkflowCr => e.kind === 'Workflow') as WorkflowCr;
    expect(workflow.spec.stages[1]).toEqual({
      name: 'image-build',
      depends: ['unit-test'],
      artifacts: [{ name: 'report', source: 'unit-test/report' }],
    });
    const trigger = examples.find((e): e is WorkflowTriggerCr => e.kind === 'WorkflowTrigger') as WorkflowTriggerCr;
    expect(trigger.spec.cron?.schedule).toBe('0 2 * * *');
  });

  it('refuse documents that are not Cyclone resources', () => {
    expect(() => asCycloneResource({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: {} })).toThrow(
      /apiVersion/,
    );
    expect(() => asCycloneResource({ apiVersion: 'cyclone.dev/v1alpha1', kind: 'Widget', metadata: {} })).toThrow(
      /unknown kind/,
    );
    expect(() => asCycloneResource({ apiVersion: 'cyclone.dev/v1alpha1', kind: 'Stage', metadata: {} })).toThrow(
      /metadata.name/,
    );
  });
});
