import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countDocuments, joinManifestFiles, locateDocuments } from './manifest-files.js';
import { validateManifests } from './validate-manifests.js';

const stage = (name: string, extra = '') => `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: ${name}}
spec:
  pod:
${extra}    spec:
      containers:
        - {name: main, image: alpine, command: [sh, -c, "echo ${name}"]}
`;
const workflow = (stages: string) => `apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: ci}
spec:
  stages:
${stages}`;
const docs = (...parts: string[]) => parts.join('---\n');

describe('validateManifests', () => {
  it('accepts the upstream-style pipeline fixture of packages/manifests', () => {
    const pipeline = readFileSync(new URL('../../manifests/src/fixtures/pipeline.yaml', import.meta.url), 'utf8');
    expect(validateManifests(pipeline).filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('names a cycle with its document, field and path, as the server does', () => {
    const yaml = docs(
      stage('a'),
      stage('b'),
      stage('c'),
      workflow('    - {name: a, depends: [c]}\n    - {name: b, depends: [a]}\n    - {name: c, depends: [b]}\n'),
    );
    expect(validateManifests(yaml)).toEqual([
      {
        document: 3,
        object: 'Workflow/ci',
        field: 'documents[3].spec.stages[0].depends',
        message: 'stages form a cycle: a → b → c → a',
        severity: 'error',
      },
    ]);
  });

  it('reports unknown and self dependencies, duplicates and artifact sources with their fields', () => {
    const yaml = docs(
      stage('a', '    outputs:\n      artifacts: [{name: bin, path: /out/bin}]\n'),
      stage('b'),
      workflow(
        [
          '    - {name: a, depends: [a]}',
          '    - {name: b, depends: [nope], artifacts: [{name: bin, path: /in/bin, source: a/missing}]}',
          '',
        ].join('\n'),
      ),
    );
    const problems = validateManifests(yaml).map((p) => `${p.field}: ${p.message}`);
    expect(problems).toEqual([
      'documents[2].spec.stages[0].depends[0]: stage "a" depends on itself',
      'documents[2].spec.stages[1].depends[0]: stage "b" depends on "nope", which is not a stage of this workflow',
      'documents[2].spec.stages[1].artifacts[0].source: stage "b" takes artifact "a/missing", but no stage produces it (expected "<stage>/<artifact>")',
    ]);
  });

  it('passes on decoding problems from packages/manifests with their field paths', () => {
    const yaml = docs(stage('a'), 'apiVersion: cyclone.dev/v1alpha1\nkind: Pipeline\nmetadata: {name: x}\n');
    expect(validateManifests(yaml)).toEqual([
      {
        document: 1,
        field: 'documents[1].kind',
        message: 'must be one of Resource, Stage, Workflow, WorkflowTrigger, WorkflowRun',
        severity: 'error',
      },
    ]);
    expect(validateManifests('# nothing\n')).toEqual([
      { document: 0, field: 'input.yaml', message: 'contains no documents', severity: 'error' },
    ]);
  });

  it('warns about what only the project can tell: stages, resources and workflows not in the files', () => {
    const yaml = docs(
      stage('a', '    inputs:\n      resources: [{name: src, path: /src}]\n'),
      workflow('    - {name: a}\n    - {name: stored, depends: [a]}\n'),
      'apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowRun\nmetadata: {name: r1}\nspec:\n  workflowRef: {name: other}\n',
    );
    expect(validateManifests(yaml).map((p) => [p.severity, p.field, p.message])).toEqual([
      ['warning', 'documents[1].spec.stages[1].name', 'no Stage "stored" in these files: the project must have it'],
      ['warning', 'documents[1].spec.stages[0].name', 'no Resource "src" in these files: the project must have it'],
      ['warning', 'documents[2].spec.workflowRef.name', 'no Workflow "other" in these files: the project must have it'],
    ]);
  });

  it('checks conditions, finally stages and a cron time zone as the server does', () => {
    const yaml = docs(
      stage('a'),
      stage('b'),
      stage('z'),
      workflow(
        "    - {name: a, when: 'trigger.branch =='}\n    - {name: b, depends: [z]}\n    - {name: z, finally: true}\n",
      ),
    );
    expect(validateManifests(yaml).map((p) => `${p.field}: ${p.message}`)).toEqual([
      'documents[3].spec.stages[0].when: stage "a": when is not a valid condition: Unexpected token: EOF',
      'documents[3].spec.stages[1].depends[0]: stage "b" depends on finally stage "z", which runs after every other stage; make it a finally stage too',
    ]);
    const trigger =
      'apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowTrigger\nmetadata: {name: nightly}\nspec:\n  type: Cron\n  workflowRef: {name: ci}\n  cron: {schedule: "0 3 * * *", timezone: Mars/Olympus}\n';
    expect(validateManifests(docs(stage('a'), workflow('    - {name: a}\n'), trigger))).toEqual([
      {
        document: 2,
        field: 'documents[2].spec.cron.timezone',
        message: 'must be an IANA time zone such as Europe/Berlin, America/New_York or UTC',
        severity: 'error',
      },
    ]);
  });

  it('accepts the language example: a condition, an approval gate without a Stage document, a finally stage and a cron time zone', () => {
    const example = readFileSync(
      new URL('../../../k8s/examples/valid/workflow-language.yaml', import.meta.url),
      'utf8',
    );
    expect(validateManifests(docs(stage('unit-test'), stage('release'), stage('cleanup'), example))).toEqual([]);
  });

  it('accepts the services and delegation examples, and names the field of a service readiness with two checks', () => {
    const read = (path: string) => readFileSync(new URL(`../../../k8s/examples/${path}`, import.meta.url), 'utf8');
    expect(validateManifests(read('valid/stage-services.yaml'))).toEqual([]);
    expect(validateManifests(read('valid/stage-delegation.yaml'))).toEqual([]);
    expect(validateManifests(read('invalid/stage-service-two-readiness-checks.yaml'))).toEqual([
      {
        document: 0,
        field: 'documents[0].spec.pod.spec.services[0].readiness',
        message: 'needs exactly one of command or tcpPort',
        severity: 'error',
      },
    ]);
  });

  it("accepts the default-resources example and names a bad quantity's field", () => {
    const example = readFileSync(
      new URL('../../../k8s/examples/valid/workflow-resources.yaml', import.meta.url),
      'utf8',
    );
    expect(validateManifests(example)).toEqual([]);
    expect(validateManifests(example.replace('memory: 4Gi', 'memory: lots'))).toEqual([
      {
        document: 1,
        field: 'documents[1].spec.resources.limits.memory',
        message: 'must be a memory quantity like 512Mi, 2Gi or 1G',
        severity: 'error',
      },
    ]);
  });

  it('checks the joined workflow with the domain schema', () => {
    const yaml = docs(stage('a'), workflow('    - {name: a, timeout: soon}\n'));
    const [problem] = validateManifests(yaml);
    expect(problem?.severity).toBe('error');
    expect(problem?.field).toMatch(/^documents\[1\]\.spec/);
  });
});

describe('manifest files', () => {
  it('counts documents as packages/manifests numbers them', () => {
    expect(countDocuments('a: 1\n---\n---\nb: 2\n')).toBe(2);
    expect(countDocuments('- a: 1\n- b: 2\n---\nc: 3\n')).toBe(3);
  });

  it('names the file and its own document index in messages about joined files', () => {
    const joined = joinManifestFiles([
      { name: 'one.yaml', text: 'a: 1\n---\nb: 2' },
      { name: 'two.yaml', text: 'c: 3\n' },
    ]);
    expect(joined.yaml).toBe('a: 1\n---\nb: 2\n---\nc: 3\n');
    expect(locateDocuments('documents[2].spec: x; see documents[1]', joined.locate)).toBe(
      'two.yaml: documents[0].spec: x; see one.yaml: documents[1]',
    );
    const single = joinManifestFiles([{ name: 'one.yaml', text: 'a: 1\n' }]);
    expect(locateDocuments('documents[0].kind', single.locate)).toBe('documents[0].kind');
  });
});
