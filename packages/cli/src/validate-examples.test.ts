// The matrix and child-workflow examples of k8s/examples/valid (the CRD test applies them
// to a real kube-apiserver) pass the offline checks as they are, and the checks still
// name a mistake made in them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateManifests } from './validate-manifests.js';

const example = (file: string) => readFileSync(new URL(`../../../k8s/examples/valid/${file}`, import.meta.url), 'utf8');

describe('the workflow-language examples', () => {
  it('accepts the matrix example, and names a matrixFrom whose stage is not in depends', () => {
    const yaml = example('workflow-matrix.yaml');
    expect(validateManifests(yaml)).toEqual([]);
    const broken = yaml.replace('        - cross-test\n        - list-regions\n', '        - cross-test\n');
    expect(broken).not.toBe(yaml);
    expect(validateManifests(broken)).toEqual([
      {
        document: 5,
        object: 'Workflow/matrix-release',
        field: 'documents[5].spec',
        message: 'stage "list-regions" must be in dependsOn (at stages.3.matrixFrom)',
        severity: 'error',
      },
    ]);
    expect(validateManifests(yaml.replace('maxParallel: 2', 'maxParallel: 0'))).toEqual([
      {
        document: 5,
        field: 'documents[5].spec.stages[1].maxParallel',
        message: 'Too small: expected number to be >=1',
        severity: 'error',
      },
    ]);
  });

  it('accepts the child-workflow example, and refuses a child-workflow stage that fans out', () => {
    const yaml = example('workflow-child.yaml');
    expect(validateManifests(yaml)).toEqual([]);
    const broken = yaml.replace(
      '      workflow:\n',
      '      matrix:\n        - {name: os, values: [linux]}\n      workflow:\n',
    );
    expect(broken).not.toBe(yaml);
    expect(validateManifests(broken)).toEqual([
      {
        document: 4,
        object: 'Workflow/release-train',
        field: 'documents[4].spec',
        message: 'an approval, child-workflow or delegated stage cannot fan out (at stages.1.matrix)',
        severity: 'error',
      },
    ]);
  });
});
