// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Cyclone references, not JS templates
import { describe, expect, it } from 'vitest';
import { approvalStage, childWorkflowStage, type EditorStage, emptyStage } from './types';
import { docToYaml, lineOfPath, yamlToDoc } from './yaml-doc';

function stage(name: string, dependsOn: string[] = []): EditorStage {
  return { ...emptyStage(name), image: 'alpine:3', command: ['sh', '-c', `echo ${name}`], dependsOn };
}

const meta = { description: 'Ships it', globalVariables: [{ name: 'REGION', value: 'eu' }], acceleration: false };

describe('YAML view', () => {
  it('prints stage services at spec.pod.spec.services and reads them back', () => {
    const services = [
      {
        name: 'db',
        image: 'local/redis:bookworm',
        command: ['redis-server'],
        args: ['--port', '6379'],
        env: [{ name: 'LANG', value: 'C' }],
        readiness: { tcpPort: 6379, timeout: '1m' },
      },
    ];
    const text = docToYaml('with-db', meta, [{ ...stage('query'), services }]);
    expect(text).toContain('    spec:\n      services:\n        - name: db\n');
    const back = yamlToDoc(text);
    expect(back.ok && back.stages[0]?.services).toEqual(services);
  });

  it('prints the stages and reads them back unchanged', () => {
    const stages = [
      stage('build'),
      {
        ...stage('test', ['build']),
        inputs: { resources: [], artifacts: [{ name: 'bin', path: '/in', source: 'build/bin' }] },
        retries: 2,
        timeout: '5m',
        trivial: true,
      },
    ];
    stages[0] = {
      ...(stages[0] as EditorStage),
      outputs: { resources: [], artifacts: [{ name: 'bin', path: '/out' }] },
    };
    const text = docToYaml('release', meta, stages);
    expect(text).toContain('kind: Workflow');
    const back = yamlToDoc(text);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.name).toBe('release');
    expect(back.meta).toEqual(meta);
    expect(back.stages.map((s) => s.name)).toEqual(['build', 'test']);
    expect(back.stages[1]).toMatchObject({
      dependsOn: ['build'],
      retries: 2,
      timeout: '5m',
      trivial: true,
      inputs: { artifacts: [{ name: 'bin', path: '/in', source: 'build/bin' }] },
    });
    expect(back.stages[0]?.command).toEqual(['sh', '-c', 'echo build']);
  });

  it("keeps an output resource's path through the YAML view; one without a path stays without", () => {
    const upload = {
      ...stage('upload'),
      outputs: {
        resources: [
          { name: 'reports', path: '/workspace/reports' },
          { name: 'image', path: '' },
        ],
        artifacts: [],
      },
    };
    const text = docToYaml('release', meta, [upload]);
    expect(text).toContain('path: /workspace/reports');
    const back = yamlToDoc(text);
    expect(back.ok && back.stages[0]?.outputs.resources).toEqual([
      { name: 'reports', path: '/workspace/reports' },
      { name: 'image', path: '' },
    ]);
  });

  it('keeps acceleration as the Workflow label through the YAML view', () => {
    const text = docToYaml('release', { ...meta, acceleration: true }, [stage('build')]);
    expect(text).toContain('workflowrun.cyclone.dev/acceleration: "true"');
    const back = yamlToDoc(text);
    expect(back.ok && back.meta.acceleration).toBe(true);
    const off = yamlToDoc(docToYaml('release', meta, [stage('build')]));
    expect(off.ok && off.meta.acceleration).toBe(false);
  });

  it('keeps a condition and a finally stage through the YAML view, and refuses a bad condition', () => {
    const stages = [
      { ...stage('build'), when: "trigger.branch == 'main'" },
      { ...stage('cleanup'), finally: true, when: "run.phase == 'FAILED'" },
    ];
    const text = docToYaml('release', meta, stages);
    expect(text).toContain("when: trigger.branch == 'main'");
    expect(text).toContain('finally: true');
    const back = yamlToDoc(text);
    expect(back.ok && back.stages.map((s) => [s.name, s.when, s.finally])).toEqual([
      ['build', "trigger.branch == 'main'", false],
      ['cleanup', "run.phase == 'FAILED'", true],
    ]);
    const bad = yamlToDoc(text.replace("when: trigger.branch == 'main'", 'when: "1 +"'));
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems[0]?.message).toMatch(/^stage "build": when is not a valid condition/);
  });

  it('keeps an approval gate through the YAML view, with no Stage document of its own', () => {
    const gate: EditorStage = {
      ...approvalStage('sign-off'),
      dependsOn: ['build'],
      approval: {
        count: 2,
        roles: ['OWNER', 'ADMIN'],
        users: ['lead@example.com'],
        timeout: '24h',
        onTimeout: 'SKIP',
        inputs: [{ name: 'version', required: true, description: 'what to ship' }],
      },
    };
    const text = docToYaml('release', meta, [stage('build'), gate]);
    expect(text.match(/kind: Stage/g)).toHaveLength(1);
    expect(text).toContain('onTimeout: Skip');
    const back = yamlToDoc(text);
    expect(back.ok && back.stages[1]).toEqual({ ...gate, command: [], args: [], env: [] });
  });

  it('keeps a child-workflow stage through the YAML view, with no Stage document of its own', () => {
    const child: EditorStage = {
      ...childWorkflowStage('release'),
      dependsOn: ['build'],
      workflow: { name: 'deploy-lib', parameters: [{ name: 'variables.TARGET', value: 'eu' }] },
    };
    const text = docToYaml('ship', meta, [stage('build'), child]);
    expect(text.match(/kind: Stage/g)).toHaveLength(1);
    const back = yamlToDoc(text);
    expect(back.ok && back.stages[1]).toEqual({ ...child, command: [], args: [], env: [] });
  });

  it('keeps a matrix and a matrixFrom through the YAML view', () => {
    const test: EditorStage = {
      ...stage('test', ['build']),
      matrix: [
        { name: 'os', values: ['linux', 'darwin'] },
        { name: 'go', values: ['1.22'] },
      ],
      maxParallel: 2,
    };
    const deploy: EditorStage = { ...stage('deploy', ['build']), matrixFrom: '${stages.build.outputs.targets}' };
    const text = docToYaml('cross', meta, [stage('build'), test, deploy]);
    expect(text).toContain('maxParallel: 2');
    const back = yamlToDoc(text);
    expect(back.ok && back.stages).toEqual([stage('build'), test, deploy]);
  });

  it('names the line of a syntax error', () => {
    const text = docToYaml('release', meta, [stage('build')]).replace('kind: Workflow', 'kind: [Workflow');
    const result = yamlToDoc(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.message).toMatch(/not valid YAML/);
    expect(result.problems[0]?.line).toBeGreaterThan(1);
  });

  it('names the line of a field problem and of a cycle', () => {
    const text = docToYaml('release', meta, [stage('a', ['b']), stage('b', ['a'])]);
    const cycle = yamlToDoc(text);
    expect(cycle.ok).toBe(false);
    if (cycle.ok) return;
    expect(cycle.problems.some((p) => /cycle/i.test(p.message))).toBe(true);
    const lines = text.split('\n');
    const line = cycle.problems.find((p) => p.line)?.line as number;
    expect(lines[line - 1]).toMatch(/name: [ab]$/);

    const broken = text.replace(/image: alpine:3/, 'image: ""');
    const missing = yamlToDoc(broken);
    expect(missing.ok).toBe(false);
    if (missing.ok) return;
    const problem = missing.problems[0];
    expect(problem?.message).toMatch(/image/);
    expect(broken.split('\n')[(problem?.line as number) - 1]).toMatch(/image:/);
  });

  it('finds the line of a path through lists', () => {
    const text = ['kind: Stage', 'spec:', '  items:', '    - name: a', '    - name: b', '      image: x'].join('\n');
    expect(lineOfPath(text, 'documents[0].spec.items[1].image')).toBe(6);
    expect(lineOfPath(text, 'documents[0].spec.items[0]')).toBe(4);
  });

  it('refuses a stage without a Stage document', () => {
    const text = docToYaml('release', meta, [stage('a'), stage('b', ['a'])]);
    const withoutB = text
      .split('---\n')
      .filter((doc) => !/name: b\n/.test(doc) || /kind: Workflow/.test(doc))
      .join('---\n');
    const result = yamlToDoc(withoutB);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.message).toBe('stage "b" has no Stage document');
    expect(result.problems[0]?.line).toBeGreaterThan(0);
  });
});
