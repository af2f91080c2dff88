import { describe, expect, it } from 'vitest';
import { type IntakeObject, intakeTargetOf, isChangeToTake, toCycloneDocument, toObjectPath } from './intake-rules.js';

const specBy = (manager: string, extra: Record<string, unknown> = {}) => ({
  manager,
  operation: 'Update',
  fieldsV1: { 'f:spec': { 'f:stages': {} } },
  ...extra,
});

function workflow(generation: number, managers: Record<string, unknown>[], observed?: number): IntakeObject {
  return {
    apiVersion: 'cyclone.dev/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name: 'web.ci',
      namespace: 'cyclone-acme',
      generation,
      managedFields: managers as never,
      labels: { 'cyclone.dev/project': 'web', 'cyclone.dev/id': 'w1', 'cyclone.dev/object-type': 'workflow' },
    },
    spec: { stages: [{ name: 'test' }] },
    ...(observed !== undefined ? { status: { observedGeneration: observed } } : {}),
  };
}

describe('isChangeToTake', () => {
  it('takes a spec another field manager wrote after the mirror', () => {
    expect(isChangeToTake(workflow(3, [specBy('cyclone'), specBy('kubectl-edit')]), 2)).toBe(true);
  });

  it('leaves what Cyclone wrote, and a generation already answered', () => {
    expect(isChangeToTake(workflow(3, [specBy('cyclone')]), 2)).toBe(false);
    expect(isChangeToTake(workflow(3, [specBy('cyclone'), specBy('kubectl-edit')]), 3)).toBe(false);
    expect(isChangeToTake(workflow(3, [specBy('cyclone'), specBy('kubectl-edit')], 3), 2)).toBe(false);
  });

  it('does not count status writers', () => {
    const status = specBy('intake', { subresource: 'status', fieldsV1: { 'f:status': {} } });
    expect(isChangeToTake(workflow(3, [specBy('cyclone'), status]), 2)).toBe(false);
  });

  it('takes a WorkflowRun made by someone else once, never the executor’s own', () => {
    const run = (labels: Record<string, string>, observed?: number): IntakeObject => ({
      kind: 'WorkflowRun',
      metadata: { name: 'manual', generation: 1, labels },
      spec: { workflowRef: { name: 'web.ci' } },
      ...(observed !== undefined ? { status: { observedGeneration: observed } } : {}),
    });
    expect(isChangeToTake(run({}), undefined)).toBe(true);
    expect(isChangeToTake(run({}, 1), undefined)).toBe(false);
    expect(isChangeToTake(run({ 'cyclone.dev/object-type': 'run' }), undefined)).toBe(false);
  });
});

describe('intakeTargetOf', () => {
  const of = (kind: string, name: string, extra: Partial<IntakeObject> = {}) =>
    intakeTargetOf({ kind, metadata: { name }, ...extra } as IntakeObject);

  it('reads project and name from the mirror’s names', () => {
    expect(of('Resource', 'web.sources')).toEqual({ project: 'web', name: 'sources' });
    expect(of('Stage', 'web.ci.test')).toEqual({ project: 'web', workflow: 'ci', name: 'test', isWorkflowStage: true });
    expect(of('WorkflowTrigger', 'web.ci.nightly')).toEqual({ project: 'web', workflow: 'ci', name: 'nightly' });
  });

  it('refuses other names, naming the field', () => {
    expect(of('Workflow', 'ci')).toMatchObject({ field: 'metadata.name' });
    expect(of('WorkflowTrigger', 'web.nightly')).toMatchObject({ field: 'metadata.name' });
    expect(
      of('Workflow', 'web.ci', { metadata: { name: 'web.ci', labels: { 'cyclone.dev/project': 'shop' } } }),
    ).toEqual({ field: 'metadata.labels.cyclone.dev/project', error: 'is "shop" but the name starts with "web."' });
  });

  it('finds a WorkflowRun’s project in its label, annotation or workflowRef', () => {
    const run = (name: string, ref: string, metadata: Record<string, unknown> = {}) =>
      of('WorkflowRun', name, { metadata: { name, ...metadata }, spec: { workflowRef: { name: ref } } });
    expect(run('manual', 'web.ci')).toEqual({ project: 'web', name: 'manual', workflow: 'ci' });
    expect(run('manual', 'ci', { labels: { 'cyclone.dev/project': 'web' } })).toEqual({
      project: 'web',
      name: 'manual',
      workflow: 'ci',
    });
    expect(run('manual', 'ci', { annotations: { 'cyclone.dev/project': 'web' } })).toMatchObject({ workflow: 'ci' });
    expect(run('manual', 'ci')).toMatchObject({ field: 'spec.workflowRef.name' });
    expect(run('ci-7', 'web.ci')).toMatchObject({ field: 'metadata.name' });
  });
});

describe('toCycloneDocument', () => {
  it('keeps the user’s labels and Cyclone annotations, drops Cyclone’s own and others', () => {
    const trigger: IntakeObject = {
      apiVersion: 'cyclone.dev/v1alpha1',
      kind: 'WorkflowTrigger',
      metadata: {
        name: 'web.ci.nightly',
        labels: { 'cyclone.dev/project': 'web', 'app.kubernetes.io/managed-by': 'cyclone', team: 'a' },
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
          'cyclone.dev/description': 'nightly build',
        },
      },
      spec: { type: 'Cron', workflowRef: { name: 'web.ci' } },
    };
    expect(toCycloneDocument(trigger, { name: 'nightly', workflow: 'ci' })).toEqual({
      apiVersion: 'cyclone.dev/v1alpha1',
      kind: 'WorkflowTrigger',
      metadata: { name: 'nightly', labels: { team: 'a' }, annotations: { 'cyclone.dev/description': 'nightly build' } },
      spec: { type: 'Cron', workflowRef: { name: 'ci' } },
    });
  });

  it('turns document paths into paths of the resource', () => {
    expect(toObjectPath('documents[0].spec.stages[1].name: no Stage "x"')).toBe('spec.stages[1].name: no Stage "x"');
  });
});
