import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatManifestError, joinWorkflow, parseManifests, printManifests, splitWorkflow } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseManifests', () => {
  it('reads every kind of a multi-document file into the domain specs', () => {
    const { documents, errors } = parseManifests(fixture('pipeline.yaml'));
    expect(errors).toEqual([]);
    expect(documents.map((d) => `${d.kind}/${d.spec.name}`)).toEqual([
      'Resource/shop-source',
      'Resource/shop-image',
      'Stage/compile',
      'Stage/package',
      'Workflow/shop-ci',
      'WorkflowTrigger/nightly',
      'WorkflowTrigger/on-push',
      'WorkflowRun/shop-ci-manual',
    ]);
    const [source, , compile, pkg, workflow, nightly, onPush, run] = documents;
    expect(source).toEqual({
      kind: 'Resource',
      spec: {
        name: 'shop-source',
        type: 'Git',
        parameters: [
          { name: 'SCM_URL', value: 'https://git.example.com/shop/shop.git' },
          { name: 'SCM_REVISION', value: 'main' },
        ],
      },
    });
    expect(compile?.kind === 'Stage' && compile.spec).toMatchObject({
      name: 'compile',
      image: 'registry.example.com/tools/golang:1.22',
      workingDir: '/workspace/src',
      command: ['/bin/sh', '-c', 'go build -o ./bin/shop . && echo done'],
      args: [],
      env: [{ name: 'CGO_ENABLED', value: '0' }],
      inputs: { resources: [{ name: 'shop-source', path: '/workspace/src' }], artifacts: [], arguments: [] },
      outputs: { resources: [], artifacts: [{ name: 'binary', path: '/workspace/src/bin/shop' }] },
      // Everything of the PodSpec that is not the workload stays as it was.
      podSpecExtras: {
        volumes: [{ name: 'cache', emptyDir: {} }],
        containers: [{ name: 'main', resources: { limits: { cpu: '1' } } }],
      },
    });
    expect(pkg?.kind === 'Stage' && pkg.spec.outputs.resources).toEqual([{ name: 'shop-image' }]);
    expect(workflow).toEqual({
      kind: 'Workflow',
      spec: {
        name: 'shop-ci',
        description: 'Build and package the shop',
        globalVariables: [{ name: 'BUILD_ID', value: '$(random:6)' }],
        stages: [
          {
            name: 'compile',
            dependsOn: [],
            artifactSources: [],
            trivial: false,
            retries: 0,
            finally: false,
            matrix: [],
          },
          {
            name: 'package',
            dependsOn: ['compile'],
            artifactSources: [{ name: 'binary', source: 'compile/binary' }],
            trivial: false,
            retries: 0,
            finally: false,
            matrix: [],
          },
        ],
      },
    });
    expect(nightly).toMatchObject({
      kind: 'WorkflowTrigger',
      workflowRef: 'shop-ci',
      spec: { type: 'CRON', cron: '0 3 * * *', parameters: [{ name: 'SCM_REVISION', value: 'main' }], enabled: true },
    });
    expect(onPush).toMatchObject({
      workflowRef: 'shop-ci',
      spec: {
        type: 'SCM',
        scm: { integration: 'shop-github', repo: 'shop/shop', push: { branches: ['main'] }, tagRelease: true },
      },
    });
    expect(onPush?.kind === 'WorkflowTrigger' && onPush.spec.scm?.pullRequest).toBeUndefined();
    expect(run).toEqual({
      kind: 'WorkflowRun',
      spec: {
        name: 'shop-ci-manual',
        workflowRef: 'shop-ci',
        timeout: '30m',
        stages: [{ name: 'compile', parameters: [{ name: 'GOFLAGS', value: '-mod=vendor' }] }],
        resources: [],
        globalVariables: [],
        startStages: [],
        endStages: [],
        volumes: [],
      },
    });
  });

  it("reads a comment trigger's allow list (pullRequestComment.users) and prints it back", () => {
    const { documents, errors } = parseManifests(
      'apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowTrigger\nmetadata: {name: t}\n' +
        'spec: {type: SCM, workflowRef: {name: w}, scm: {secret: gh, repo: o/r, ' +
        'pullRequestComment: {enabled: true, comments: [/retest], users: [renovate-bot]}}}',
    );
    expect(errors).toEqual([]);
    const trigger = documents[0];
    expect(trigger?.kind === 'WorkflowTrigger' && trigger.spec.scm?.pullRequestComment).toEqual({
      comments: ['/retest'],
      users: ['renovate-bot'],
    });
    expect(printManifests(documents)).toMatch(/users:\n\s+- renovate-bot/);
    const plain = parseManifests(
      'apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowTrigger\nmetadata: {name: t}\n' +
        'spec: {type: SCM, workflowRef: {name: w}, scm: {secret: gh, repo: o/r, pullRequestComment: {comments: [/ok]}}}',
    ).documents[0];
    expect(plain?.kind === 'WorkflowTrigger' && plain.spec.scm?.pullRequestComment).toEqual({
      comments: ['/ok'],
      users: [],
    });
  });

  it("takes a WorkflowRun's worker cluster from spec.executionContext.cluster, as Cyclone names it", () => {
    const { documents, errors } = parseManifests(
      `apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowRun\nmetadata: {name: r}\n` +
        `spec: {workflowRef: {name: w}, executionContext: {cluster: edge, namespace: ignored}}`,
    );
    expect(errors).toEqual([]);
    expect(documents[0]?.kind === 'WorkflowRun' && documents[0].spec.executionCluster).toBe('edge');
    const wrong = parseManifests(
      `apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowRun\nmetadata: {name: r}\n` +
        `spec: {workflowRef: {name: w}, executionContext: {cluster: 3}}`,
    );
    expect(wrong.errors.map(formatManifestError).join('\n')).toContain('documents[0].spec.executionContext.cluster');
  });

  it("keeps a Workflow's worker cluster through print and parse", () => {
    const text =
      `apiVersion: cyclone.dev/v1alpha1\nkind: Workflow\nmetadata: {name: w}\n` +
      `spec: {stages: [{name: build}], executionContext: {cluster: edge}}`;
    const { documents, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    expect(documents[0]?.kind === 'Workflow' && documents[0].spec.executionCluster).toBe('edge');
    const printed = printManifests(documents);
    expect(printed).toContain('executionContext:');
    expect(parseManifests(printed).documents).toEqual(documents);
  });

  it('reads a YAML list of Stage documents: labelled ones are templates with typed resource slots', () => {
    const { documents, errors } = parseManifests(fixture('templates.yaml'));
    expect(errors).toEqual([]);
    const [build, push, rollout] = documents;
    expect(build?.kind === 'Stage' && build.template).toEqual({ kind: 'build', description: 'Runs a build command' });
    expect(build?.kind === 'Stage' && build.spec).toMatchObject({
      name: 'shell-build',
      image: '{{ image }}',
      command: ['/bin/sh', '-e', '-c', '{{{ cmd }}}'],
      inputs: {
        resources: [{ type: 'Git', path: '/workspace' }],
        arguments: [
          { name: 'image', value: 'alpine:3.20', description: 'Image to run this stage' },
          { name: 'cmd', value: 'make build', description: "Commands, run as '/bin/sh -c {{{ cmd }}}'" },
          { name: 'out', description: 'Path of the built files' },
        ],
      },
      outputs: { artifacts: [{ name: 'bin', path: '{{ out }}' }] },
    });
    expect(build?.kind === 'Stage' && build.spec.podSpecExtras).toBeUndefined();
    // Not labelled: a plain stage, whose typed resources are named after their type.
    expect(push?.kind === 'Stage' && push.template).toBeUndefined();
    expect(push?.kind === 'Stage' && push.spec).toMatchObject({
      env: [{ name: '_SETTINGS_', value: '{{{ settings }}}' }],
      inputs: { resources: [{ name: 'git', path: '/workspace' }] },
      outputs: { resources: [{ name: 'image' }] },
    });
    // Cyclone's kind `cd` is this project's `deploy`; named resources and slots may mix.
    expect(rollout?.kind === 'Stage' && rollout.template).toEqual({
      kind: 'deploy',
      description: 'Rolls the image out',
    });
    expect(rollout?.kind === 'Stage' && rollout.spec).toMatchObject({
      inputs: {
        resources: [
          { name: 'deploy-config', path: '/config' },
          { type: 'Image', path: '/image' },
        ],
      },
      outputs: { resources: [{ type: 'Image' }] },
    });
  });

  it('prints templates back with their labels and slots', () => {
    const { documents } = parseManifests(fixture('templates.yaml'));
    const text = printManifests(documents);
    expect(text).toContain('stage.cyclone.dev/template: "true"');
    expect(text).toContain('stage.cyclone.dev/template-kind: deploy');
    expect(text).toMatch(/- type: Git\n\s+path: \/workspace/);
    const again = parseManifests(text);
    expect(again.errors).toEqual([]);
    expect(again.documents).toEqual(documents);
  });

  it.each([
    [
      'stage.cyclone.dev/template-kind: paint',
      'documents[0].metadata.labels.stage.cyclone.dev/template-kind: must be one of',
    ],
    [
      'cyclone.dev/scene: cicd',
      "documents[0].spec.pod.inputs.resources[0].type: must be one of Git, Svn, Image, KV, General, Http or a registered type's name",
    ],
  ])('refuses a bad template (%s)', (label, message) => {
    const text = `apiVersion: cyclone.dev/v1alpha1\nkind: Stage\nmetadata:\n  name: t\n  labels:\n    stage.cyclone.dev/template: "true"\n    ${label}\nspec:\n  pod:\n    inputs:\n      resources:\n      - type: ${label.includes('paint') ? 'Git' : 'Docker image'}\n        path: /w\n    spec:\n      containers:\n      - image: alpine\n`;
    const { errors } = parseManifests(text);
    expect(errors.map(formatManifestError).join('\n')).toContain(message);
  });

  it('accepts a mix of --- separated documents and lists, skipping empty documents', () => {
    const text = `---\n---\n- apiVersion: cyclone.dev/v1alpha1\n  kind: Resource\n  metadata: {name: a}\n  spec: {type: KV}\n---\napiVersion: cyclone.dev/v1alpha1\nkind: Resource\nmetadata: {name: b}\nspec: {type: KV}\n`;
    const { documents, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    expect(documents.map((d) => d.spec.name)).toEqual(['a', 'b']);
  });

  const stage = (container: string) =>
    `apiVersion: cyclone.dev/v1alpha1\nkind: Stage\nmetadata: {name: s}\nspec:\n  pod:\n    spec:\n      containers:\n      - ${container}\n`;

  it.each([
    [
      `apiVersion: v1\nkind: Resource\nmetadata: {name: a}\nspec: {type: KV}`,
      'documents[0].apiVersion: must be cyclone.dev/v1alpha1',
    ],
    [`apiVersion: cyclone.dev/v1alpha1\nkind: Pipeline\nmetadata: {name: a}`, 'documents[0].kind: must be one of'],
    [
      `apiVersion: cyclone.dev/v1alpha1\nkind: Resource\nmetadata: {name: Bad_Name}\nspec: {type: KV}`,
      'documents[0].metadata.name: must be lower-case',
    ],
    [
      `apiVersion: cyclone.dev/v1alpha1\nkind: Resource\nmetadata: {name: a}\nspec: {type: "Docker image"}`,
      'documents[0].spec.type: must be one of Git',
    ],
    [
      `apiVersion: cyclone.dev/v1alpha1\nkind: Resource\nmetadata: {name: a}\nspec: {type: Git}`,
      'documents[0].spec.parameters: a Git resource needs the parameter SCM_URL',
    ],
    [stage('name: main'), 'documents[0].spec.pod.spec.containers[0].image: required'],
    [stage('{image: x, command: oops}'), 'documents[0].spec.pod.spec.containers[0].command: must be a list'],
    [stage('{image: x, env: [{value: "1"}]}'), 'documents[0].spec.pod.spec.containers[0].env[0].name: required'],
    [
      `apiVersion: cyclone.dev/v1alpha1\nkind: Stage\nmetadata: {name: s}\nspec:\n  pod:\n    inputs:\n      resources:\n      - {name: NOPE, path: /w}\n    spec:\n      containers: [{image: x}]`,
      'documents[0].spec.pod.inputs.resources[0].name: must be lower-case',
    ],
    [
      `apiVersion: cyclone.dev/v1alpha1\nkind: Workflow\nmetadata: {name: w}\nspec: {stages: []}`,
      'documents[0].spec.stages: needs at least one stage',
    ],
    [
      `apiVersion: cyclone.dev/v1alpha1\nkind: Workflow\nmetadata: {name: w}\nspec:\n  stages:\n  - {name: a, timeout: soon}`,
      'documents[0].spec.stages[0].timeout: must be a duration',
    ],
    [
      `apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowTrigger\nmetadata: {name: t}\nspec: {type: Cron, workflowRef: {name: w}}`,
      'documents[0].spec.cron: required',
    ],
    [
      `apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowTrigger\nmetadata: {name: t}\nspec: {type: SCM, scm: {repo: a/b}, workflowRef: {name: w}}`,
      'documents[0].spec.scm.secret: required',
    ],
    [
      `apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowTrigger\nmetadata: {name: t}\nspec: {type: Email, workflowRef: {name: w}}`,
      'documents[0].spec.type: must be one of Cron, SCM, Webhook',
    ],
    [
      `apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowRun\nmetadata: {name: r}\nspec: {timeout: 1h}`,
      'documents[0].spec.workflowRef: required',
    ],
    [
      `apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowRun\nmetadata: {name: r}\nspec: {workflowRef: {name: w}, timeout: forever}`,
      'documents[0].spec.timeout: must be a duration',
    ],
    [`key: [unclosed`, 'documents[0]: not valid YAML'],
    ['<<: *nothing', 'documents[0]: not valid YAML: Unresolved alias'],
    [
      [
        'a: &a [x, x, x, x, x, x, x, x, x]',
        ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`),
      ].join('\n'),
      'documents[0]: not valid YAML: Excessive alias count',
    ],
  ])('names the document and field of a mistake: %#', (text, expected) => {
    const { errors } = parseManifests(text);
    expect(errors.map(formatManifestError).join('\n')).toContain(expected);
  });

  it("refuses pod settings that reach the node, naming each one (the stage's pod allow-list)", () => {
    const text = `apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: escape}
spec:
  pod:
    spec:
      hostPID: true
      containers:
      - image: debian
        securityContext: {privileged: true}
        volumeMounts: [{name: root, mountPath: /host}]
      volumes: [{name: root, hostPath: {path: /}}]
`;
    const { documents, errors } = parseManifests(text);
    expect(documents).toEqual([]);
    expect(errors.map(formatManifestError)).toEqual([
      expect.stringMatching(/^documents\[0\]\.spec\.pod\.spec\.hostPID: is not allowed in a stage's pod \(allowed: /),
      expect.stringMatching(
        /^documents\[0\]\.spec\.pod\.spec\.containers\[0\]\.securityContext\.privileged: is not allowed/,
      ),
      expect.stringMatching(
        /^documents\[0\]\.spec\.pod\.spec\.volumes\[0\]\.hostPath: is not an allowed volume source/,
      ),
    ]);
  });

  it('numbers documents across --- separators and lists', () => {
    const good = `apiVersion: cyclone.dev/v1alpha1\nkind: Resource\nmetadata: {name: a}\nspec: {type: KV}\n`;
    const bad = stage('name: main');
    const { documents, errors } = parseManifests(
      `${good}---\n- ${good.replaceAll('\n', '\n  ')}\n---\n${good.replace('name: a', 'name: b')}---\n${bad}`,
    );
    expect(documents).toHaveLength(2);
    expect(errors.map(formatManifestError)).toEqual([
      'documents[1].metadata.name: Resource "a" is already declared in documents[0]',
      'documents[3].spec.pod.spec.containers[0].image: required',
    ]);
  });

  it('refuses text that cannot be stored (a NUL, a lone surrogate), naming where it is', () => {
    const resource = (value: string) =>
      `apiVersion: cyclone.dev/v1alpha1\nkind: Resource\nmetadata: {name: git}\nspec:\n  type: Git\n  parameters: [{name: SCM_URL, value: "${value}"}]\n`;
    const { documents, errors } = parseManifests(`${resource('\\0')}---\n${resource('\\ud800')}`);
    expect(documents).toEqual([]);
    expect(errors.map(formatManifestError)).toEqual([
      'documents[0].spec.parameters[0].value: holds a NUL character or half of a surrogate pair, which cannot be stored',
      'documents[1].spec.parameters[0].value: holds a NUL character or half of a surrogate pair, which cannot be stored',
    ]);
  });
});

describe('printManifests', () => {
  it('prints stable multi-document YAML that reads back the same', () => {
    const { documents } = parseManifests(fixture('pipeline.yaml'));
    const text = printManifests(documents);
    expect(text.split('---\n')).toHaveLength(documents.length);
    expect(text).toContain('kind: Stage\nmetadata:\n  name: compile\n');
    expect(parseManifests(text)).toEqual({ documents, errors: [] });
    expect(printManifests(parseManifests(text).documents)).toBe(text);
  });

  it('prints the workload container first and the rest of the PodSpec with sorted keys', () => {
    const { documents } = parseManifests(fixture('pipeline.yaml'));
    const text = printManifests(documents.filter((d) => d.spec.name === 'compile'));
    expect(text).toContain(
      [
        '    spec:',
        '      volumes:',
        '        - emptyDir: {}',
        '          name: cache',
        '      containers:',
        '        - name: main',
        '          image: registry.example.com/tools/golang:1.22',
        '          workingDir: /workspace/src',
      ].join('\n'),
    );
  });
});

describe('stage conditions and finally stages in a Workflow', () => {
  const text = `apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata:
  name: gated
spec:
  stages:
    - name: build
    - name: deploy
      depends:
        - build
      when: stages['build'].outputs['ship'] == "yes" && trigger.branch == 'main'
    - name: cleanup
      when: run.phase == 'FAILED'
      finally: true
`;

  it('reads spec.stages[].when and spec.stages[].finally, and prints them back as they were', () => {
    const { documents, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    const workflow = documents[0];
    expect(workflow?.kind === 'Workflow' && workflow.spec.stages).toMatchObject([
      { name: 'build', finally: false },
      { name: 'deploy', when: `stages['build'].outputs['ship'] == "yes" && trigger.branch == 'main'`, finally: false },
      { name: 'cleanup', when: "run.phase == 'FAILED'", finally: true },
    ]);
    expect(printManifests(documents)).toBe(text);
  });

  it('names the field of a when that is not a string or a finally that is not a boolean', () => {
    const { errors } = parseManifests(
      text.replace('finally: true', 'finally: sometimes').replace("when: run.phase == 'FAILED'", 'when: [1]'),
    );
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['documents[0].spec.stages[2].finally', 'documents[0].spec.stages[2].when']),
    );
  });
});

describe('matrix stages in a Workflow', () => {
  const text = `apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata:
  name: matrix
spec:
  stages:
    - name: list
    - name: test
      matrix:
        - name: go
          values:
            - "1.22"
            - "1.23"
        - name: os
          values:
            - linux
      maxParallel: 2
    - name: deploy
      depends:
        - list
      matrixFrom: \${stages.list.outputs.targets}
`;

  it('reads spec.stages[].matrix, matrixFrom and maxParallel, and prints them back as they were', () => {
    const { documents, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    const workflow = documents[0];
    expect(workflow?.kind === 'Workflow' && workflow.spec.stages).toMatchObject([
      { name: 'list', matrix: [] },
      {
        name: 'test',
        matrix: [
          { name: 'go', values: ['1.22', '1.23'] },
          { name: 'os', values: ['linux'] },
        ],
        maxParallel: 2,
      },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cyclone reference, not a JS template
      { name: 'deploy', matrix: [], matrixFrom: '${stages.list.outputs.targets}' },
    ]);
    expect(printManifests(documents)).toBe(text);
  });

  it('names the field of a bad axis or maxParallel', () => {
    const { errors } = parseManifests(
      text.replace('maxParallel: 2', 'maxParallel: 0').replace('- name: go', '- name: 9go'),
    );
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['documents[0].spec.stages[1].maxParallel', 'documents[0].spec.stages[1].matrix[0].name']),
    );
  });
});

describe('approval gates in a Workflow', () => {
  const text = `apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata:
  name: release
spec:
  stages:
    - name: build
    - name: sign-off
      depends:
        - build
      approval:
        count: 2
        roles:
          - OWNER
          - ADMIN
        users:
          - lead@example.com
        timeout: 24h
        onTimeout: Skip
        inputs:
          - name: version
            required: true
            description: "the version to ship: major.minor"
          - name: note
    - name: deploy
      depends:
        - sign-off
`;

  it('reads spec.stages[].approval, joins a gate without a Stage document, and prints it back as it was', () => {
    const { documents, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    const workflow = documents[0];
    if (workflow?.kind !== 'Workflow') throw new Error('not a Workflow');
    expect(workflow.spec.stages[1]).toMatchObject({
      name: 'sign-off',
      approval: {
        count: 2,
        roles: ['OWNER', 'ADMIN'],
        users: ['lead@example.com'],
        timeout: '24h',
        onTimeout: 'SKIP',
        inputs: [
          { name: 'version', required: true, description: 'the version to ship: major.minor' },
          { name: 'note', required: false },
        ],
      },
    });
    expect(printManifests(documents)).toBe(text);
    const image = { name: '', image: 'alpine', command: [], args: [], env: [] };
    const definition = {
      ...image,
      inputs: { resources: [], artifacts: [], arguments: [] },
      outputs: { resources: [], artifacts: [] },
    };
    const { spec, missing } = joinWorkflow(workflow.spec, (name) =>
      name === 'sign-off' ? undefined : { ...definition, name },
    );
    expect(missing).toEqual([]);
    expect(spec.stages[1]).toMatchObject({ name: 'sign-off', image: '', command: [], approval: { count: 2 } });
    // Exported again, the gate has no Stage document.
    expect(splitWorkflow('release', spec).stages.map((stage) => stage.name)).toEqual(['build', 'deploy']);
  });

  it('names the field of a bad onTimeout, role or count', () => {
    const { errors } = parseManifests(
      text
        .replace('onTimeout: Skip', 'onTimeout: Later')
        .replace('- OWNER', '- KING')
        .replace('count: 2', 'count: zero'),
    );
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        'documents[0].spec.stages[1].approval.onTimeout',
        'documents[0].spec.stages[1].approval.count',
      ]),
    );
    const roles = parseManifests(text.replace('- OWNER', '- KING')).errors;
    expect(roles.map((e) => e.path)).toEqual(['documents[0].spec.stages[1].approval.roles[0]']);
  });
});

describe('a Cron trigger in a time zone', () => {
  const text = `apiVersion: cyclone.dev/v1alpha1
kind: WorkflowTrigger
metadata:
  name: nightly
spec:
  type: Cron
  workflowRef:
    name: ci
  cron:
    schedule: 30 2 * * *
    timezone: Europe/Berlin
`;

  it('reads spec.cron.timezone and prints it back as it was', () => {
    const { documents, errors } = parseManifests(text);
    expect(errors).toEqual([]);
    expect(documents[0]).toMatchObject({
      kind: 'WorkflowTrigger',
      spec: { cron: '30 2 * * *', timezone: 'Europe/Berlin' },
    });
    expect(printManifests(documents)).toBe(text);
  });

  it('names the field of a zone that is not IANA', () => {
    const { errors } = parseManifests(text.replace('Europe/Berlin', 'Europe/Atlantis'));
    expect(errors).toMatchObject([{ path: 'documents[0].spec.cron.timezone' }]);
    expect(errors[0]?.message).toMatch(/IANA time zone/);
  });
});
