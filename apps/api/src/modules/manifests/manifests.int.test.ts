// biome-ignore-all lint/suspicious/noTemplateCurlyInString: cache keys are Cyclone references.
import { readFileSync } from 'node:fs';
import { LIMITS } from '@cyclone/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind name action } }';
const CREATE = 'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name version } }';
const CREATE_TRIGGER =
  'mutation($input: CreateWorkflowTriggerInput!) { createWorkflowTrigger(input: $input) { name } }';
const YAML =
  'query($project: String!, $name: String!) { workflow(tenant: "acme", project: $project, name: $name) { version yaml } }';
const FAN_OUT =
  'query($project: String!, $name: String!) { workflow(tenant: "acme", project: $project, name: $name) { stages { name matrix { name values } matrixFrom maxParallel workflow { name parameters { name value } } } } }';

type Result = { errors?: { message: string; extensions?: { code?: string; field?: string } }[]; data?: unknown };
const code = (r: Result) => r.errors?.[0]?.extensions?.code;

/** The fixture of packages/manifests, without its WorkflowRun document (manifests-runs.int.test.ts applies that). */
const pipeline = readFileSync(
  new URL('../../../../../packages/manifests/src/fixtures/pipeline.yaml', import.meta.url),
  'utf8',
)
  .split(/^---$/m)
  .filter((doc) => !doc.includes('kind: WorkflowRun'))
  .join('---');

/** A seeded PRNG so a failing case can be replayed. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]) => items[int(0, items.length - 1)] as T;
  return { next, int, pick, bool: (p = 0.5) => next() < p };
}
const TRICKY = [
  'plain',
  'it\'s "quoted"',
  'two\nlines\n',
  ' padded ',
  'ünï ✓ 日本 🚀',
  'true',
  '0123',
  '',
  '{{ x }}',
  '- dash',
  'a: b',
  '# hash',
];

/** Valid stage conditions with quotes, brackets and YAML-significant characters. */
const CONDITIONS = [
  "variables['V'] == 'a: b # c'",
  `trigger.branch == "main" && run.phase != 'FAILED'`,
  "'X' in params || stages.size() > 0",
];

/** Matrix axis names: a letter or `_`, then letters, digits, `_` or `-`. */
const AXES = ['os', 'go-version', '_arch'];

/** Matrix fan-out on an ordinary stage: 1–2 axes of tricky values, or a matrixFrom over an upstream output; sometimes maxParallel. */
function matrixOf(rnd: ReturnType<typeof random>, upstream: string | undefined) {
  if (upstream !== undefined && rnd.bool(0.15)) {
    return {
      matrixFrom: `\${stages.${upstream}.outputs.targets}`,
      maxParallel: rnd.bool() ? rnd.int(1, 4) : undefined,
    };
  }
  if (!rnd.bool(0.35)) return {};
  const first = rnd.int(0, AXES.length - 1);
  const matrix = Array.from({ length: rnd.int(1, 2) }, (_, a) => ({
    name: AXES[(first + a) % AXES.length] as string,
    values: Array.from({ length: rnd.int(1, 3) }, () => rnd.pick(TRICKY)),
  }));
  return { matrix, maxParallel: rnd.bool() ? rnd.int(1, 4) : undefined };
}

/** A random valid CreateWorkflowInput: dependencies only point backwards, so the stages form a DAG. */
function generateWorkflowInput(seed: number, project: string) {
  const rnd = random(seed);
  const names = Array.from({ length: rnd.int(1, 8) }, (_, i) => `s${i}-${rnd.pick(['build', 'test', 'ship', 'x'])}`);
  // Some stages are approval gates, which run nothing (and make no artifact to take).
  const gates = new Set(names.filter((_, i) => i > 0 && i < names.length - 1 && rnd.bool(0.2)));
  // Some run an earlier seed's workflow as a child: the test creates (and applies) the
  // workflows in seed order, so it exists in both projects and no cycle can form.
  const children = new Set(
    seed > 1 ? names.filter((name, i) => !gates.has(name) && i < names.length - 1 && rnd.bool(0.2)) : [],
  );
  return {
    tenant: 'acme',
    project,
    name: `wf-${seed}`,
    description: rnd.bool() ? rnd.pick(TRICKY) : undefined,
    globalVariables: rnd.bool() ? [{ name: 'V', value: rnd.pick(TRICKY) }] : undefined,
    stages: names.map((name, i) => {
      const dependsOn = names.slice(0, i).filter(() => rnd.bool(0.4));
      if (children.has(name)) {
        return {
          name,
          dependsOn,
          when: rnd.bool(0.3) ? rnd.pick(CONDITIONS) : undefined,
          timeout: rnd.bool(0.3) ? rnd.pick(['30s', '15m', '1h30m']) : undefined,
          retries: rnd.bool(0.3) ? rnd.int(1, 3) : undefined,
          workflow: {
            name: `wf-${rnd.int(1, seed - 1)}`,
            parameters: rnd.bool()
              ? [
                  { name: 'variables.V', value: rnd.pick(TRICKY) },
                  ...(dependsOn[0]
                    ? [{ name: 'variables.W', value: `\${stages.${dependsOn[0]}.outputs.version}` }]
                    : []),
                ]
              : undefined,
          },
        };
      }
      if (gates.has(name)) {
        return {
          name,
          dependsOn,
          when: rnd.bool(0.3) ? rnd.pick(CONDITIONS) : undefined,
          approval: {
            count: rnd.int(1, 3),
            roles: rnd.bool() ? ['ADMIN'] : undefined,
            timeout: rnd.bool() ? '24h' : undefined,
            onTimeout: rnd.pick(['FAIL', 'SKIP']),
            inputs: [{ name: 'version', required: rnd.bool(), description: rnd.pick(TRICKY) }],
          },
        };
      }
      return {
        name,
        image: `registry.example.com/${rnd.pick(['go', 'node', 'alpine'])}:${rnd.int(1, 9)}`,
        command: ['/bin/sh', '-c', rnd.pick(TRICKY)],
        args: Array.from({ length: rnd.int(0, 3) }, () => rnd.pick(TRICKY)),
        env: Array.from({ length: rnd.int(0, 3) }, (_, k) => ({ name: `E${k}`, value: rnd.pick(TRICKY) })),
        workingDir: rnd.bool() ? '/workspace' : undefined,
        dependsOn,
        inputs: {
          resources: rnd.bool(0.3) ? [{ name: 'src', path: '/workspace' }] : [],
          artifacts:
            dependsOn.length > 0 &&
            !gates.has(dependsOn[0] as string) &&
            !children.has(dependsOn[0] as string) &&
            rnd.bool(0.4)
              ? [{ name: 'out', path: '/in/out', source: `${dependsOn[0]}/out` }]
              : [],
        },
        outputs: {
          resources: rnd.bool(0.2) ? [{ name: 'img' }] : [],
          artifacts: [{ name: 'out', path: `/out/${name}` }],
        },
        trivial: rnd.bool(0.2),
        timeout: rnd.bool(0.3) ? rnd.pick(['30s', '15m', '1h30m']) : undefined,
        retries: rnd.bool(0.3) ? rnd.int(1, 3) : undefined,
        template: rnd.bool(0.2) ? 'build' : undefined,
        when: rnd.bool(0.3) ? rnd.pick(CONDITIONS) : undefined,
        // Only the last stage may be a finally stage: no ordinary stage may depend on one.
        finally: i === names.length - 1 && rnd.bool(0.4) ? true : undefined,
        caches: rnd.bool(0.4)
          ? [{ key: `go-\${hashFiles('go.sum')}-${rnd.pick(TRICKY)}`, paths: ['.cache/go'], restoreKeys: ['go-'] }]
          : undefined,
        ...matrixOf(rnd, dependsOn[0]),
      };
    }),
  };
}

/** A generated input's stages, each as its fields. */
const stagesOf = (input: ReturnType<typeof generateWorkflowInput> | undefined): Record<string, unknown>[] =>
  input?.stages ?? [];

const RESOURCES = `apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata: {name: src}
spec:
  type: Git
  parameters: [{name: SCM_URL, value: "https://git.example.com/acme/web.git"}]
---
apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata: {name: img}
spec:
  type: Image
  parameters: [{name: IMAGE, value: "registry.example.com/acme/web:1"}]
`;

describe('applyManifests and Workflow.yaml', () => {
  let api: TestApi;
  let admin: string;
  let roles: Awaited<ReturnType<typeof seedTenant>>;
  let outsider: Awaited<ReturnType<typeof seedTenant>>;
  let db: Db;
  const apply = (project: string, yaml: string, token = roles.DEVELOPER) =>
    api.graphql(APPLY, { input: { tenant: 'acme', project, yaml } }, token) as Promise<
      Result & { data?: { applyManifests: { kind: string; name: string; action: string }[] } }
    >;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.loginAsAdmin();
    roles = await seedTenant(api, admin, 'acme', {
      projects: ['web', 'source', 'copy', 'atomic', 'examples'],
      roles: ['DEVELOPER', 'VIEWER'],
    });
    outsider = await seedTenant(api, admin, 'other', { projects: ['web'], roles: ['OWNER'] });
    db = createPrismaClient(api.databaseUrl);
    await api.graphql(
      'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
      { input: { tenant: 'acme', name: 'shop-github', type: 'GITHUB', config: {}, secret: { webhookSecret: 'x' } } },
      admin,
    );
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.stop();
  });

  it('applies every kind in dependency order, then finds nothing to change', async () => {
    const first = await apply('web', pipeline);
    expect(first.errors).toBeUndefined();
    expect(first.data?.applyManifests).toEqual([
      { kind: 'Resource', name: 'shop-source', action: 'CREATED' },
      { kind: 'Resource', name: 'shop-image', action: 'CREATED' },
      { kind: 'Stage', name: 'compile', action: 'CREATED' },
      { kind: 'Stage', name: 'package', action: 'CREATED' },
      { kind: 'Workflow', name: 'shop-ci', action: 'CREATED' },
      { kind: 'WorkflowTrigger', name: 'nightly', action: 'CREATED' },
      { kind: 'WorkflowTrigger', name: 'on-push', action: 'CREATED' },
    ]);
    const second = await apply('web', pipeline);
    expect(second.data?.applyManifests.map((o) => o.action)).toEqual(Array(7).fill('UNCHANGED'));
    const workflow = await db.workflow.findFirstOrThrow({ where: { name: 'shop-ci' }, include: { versions: true } });
    expect(workflow.currentVersion).toBe(1);
    expect(workflow.versions).toHaveLength(1);
    const stages = (
      workflow.versions[0] as unknown as { spec: { stages: { name: string; image: string; dependsOn: string[] }[] } }
    ).spec.stages;
    expect(stages.map((s) => [s.name, s.image, s.dependsOn])).toEqual([
      ['compile', 'registry.example.com/tools/golang:1.22', []],
      ['package', 'registry.example.com/tools/docker:24-dind', ['compile']],
    ]);

    const changed = await apply('web', pipeline.replace('golang:1.22', 'golang:1.23'));
    expect(changed.data?.applyManifests.filter((o) => o.action !== 'UNCHANGED')).toEqual([
      { kind: 'Stage', name: 'compile', action: 'UPDATED' },
      { kind: 'Workflow', name: 'shop-ci', action: 'UPDATED' },
    ]);
    expect((await db.workflow.findFirstOrThrow({ where: { name: 'shop-ci' } })).currentVersion).toBe(2);
  });

  it('applies the matrix and child-workflow examples of k8s/examples/valid as they are', async () => {
    const example = (file: string) =>
      readFileSync(new URL(`../../../../../k8s/examples/valid/${file}`, import.meta.url), 'utf8');
    const matrix = await apply('examples', example('workflow-matrix.yaml'));
    expect(matrix.errors).toBeUndefined();
    expect(matrix.data?.applyManifests.filter((o) => o.kind === 'Workflow')).toEqual([
      { kind: 'Workflow', name: 'matrix-release', action: 'CREATED' },
    ]);
    const child = await apply('examples', example('workflow-child.yaml'));
    expect(child.errors).toBeUndefined();
    expect(child.data?.applyManifests.filter((o) => o.kind === 'Workflow')).toEqual([
      { kind: 'Workflow', name: 'deploy-lib', action: 'CREATED' },
      { kind: 'Workflow', name: 'release-train', action: 'CREATED' },
    ]);
    const stages = async (name: string) =>
      (await api.graphql<{ workflow: { stages: unknown[] } }>(FAN_OUT, { project: 'examples', name }, roles.VIEWER))
        .data?.workflow.stages;
    const plain = { matrix: [], matrixFrom: null, maxParallel: null, workflow: null };
    expect(await stages('matrix-release')).toEqual([
      { ...plain, name: 'compile' },
      {
        ...plain,
        name: 'cross-test',
        matrix: [
          { name: 'os', values: ['linux', 'darwin'] },
          { name: 'go', values: ['1.22', '1.23'] },
        ],
        maxParallel: 2,
      },
      { ...plain, name: 'list-regions' },
      { ...plain, name: 'deploy-region', matrixFrom: '${stages.list-regions.outputs.regions}' },
      { ...plain, name: 'ship' },
    ]);
    expect(await stages('release-train')).toEqual([
      { ...plain, name: 'package' },
      {
        ...plain,
        name: 'release',
        workflow: {
          name: 'deploy-lib',
          parameters: [{ name: 'variables.TARGET', value: '${stages.package.outputs.region}' }],
        },
      },
      { ...plain, name: 'announce' },
    ]);
  });

  it('names the document and field of a mistake, and writes nothing when any document is wrong', async () => {
    const noImage =
      'apiVersion: cyclone.dev/v1alpha1\nkind: Stage\nmetadata: {name: s}\nspec: {pod: {spec: {containers: [{name: main}]}}}\n';
    const parsed = await apply('atomic', `${RESOURCES}---\n${noImage}`);
    expect(code(parsed)).toBe('BAD_USER_INPUT');
    expect(parsed.errors?.[0]?.message).toBe('documents[2].spec.pod.spec.containers[0].image: required');

    const cyclic = `${RESOURCES}---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: a}
spec: {pod: {spec: {containers: [{image: alpine}]}}}
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: {name: loop}
spec:
  stages:
  - {name: a, depends: [a]}
`;
    const failed = await apply('atomic', cyclic);
    expect(code(failed)).toBe('BAD_USER_INPUT');
    expect(failed.errors?.[0]?.message).toMatch(/^documents\[3\]\.spec\.stages\[0\]\.depends\[0\]: .*itself/);
    // The resources and the stage before the bad workflow were rolled back with it.
    const project = await db.project.findFirstOrThrow({ where: { name: 'atomic', tenant: { name: 'acme' } } });
    expect(await db.resource.count({ where: { projectId: project.id } })).toBe(0);
    expect(await db.stage.count({ where: { projectId: project.id } })).toBe(0);

    const unknownStage = await apply(
      'atomic',
      `apiVersion: cyclone.dev/v1alpha1\nkind: Workflow\nmetadata: {name: w}\nspec: {stages: [{name: ghost}]}\n`,
    );
    expect(unknownStage.errors?.[0]?.message).toMatch(/^documents\[0\]\.spec\.stages\[0\]\.name: no Stage "ghost"/);
    const unknownWorkflow = await apply(
      'atomic',
      'apiVersion: cyclone.dev/v1alpha1\nkind: WorkflowTrigger\nmetadata: {name: t}\nspec: {type: Webhook, workflowRef: {name: nope}}\n',
    );
    expect(unknownWorkflow.errors?.[0]?.message).toMatch(
      /^documents\[0\]\.spec\.workflowRef\.name: no Workflow "nope"/,
    );
    const badCron = await apply('web', pipeline.replace('0 3 * * *', '0 3 * *'));
    expect(badCron.errors?.[0]?.message).toMatch(/^documents\[5\]\.spec\.cron\.schedule: /);

    const audit = await db.auditEvent.findFirst({
      where: { action: 'manifests.apply', outcome: 'FAILURE', objectName: 'atomic' },
    });
    expect(audit?.message).toMatch(/^BAD_USER_INPUT: /);
  });

  it('refuses a stage whose pod would reach the node (hostNetwork, a hostPath volume), writing nothing', async () => {
    const nodeEscape = `${RESOURCES}---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: {name: escape}
spec:
  pod:
    spec:
      hostNetwork: true
      containers: [{image: alpine, volumeMounts: [{name: host, mountPath: /host}]}]
      volumes: [{name: host, hostPath: {path: /var/run}}]
`;
    const refused = await apply('atomic', nodeEscape);
    expect(code(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toMatch(/^documents\[2\]\.spec\.pod\.spec\.hostNetwork: is not allowed/);
    const project = await db.project.findFirstOrThrow({ where: { name: 'atomic', tenant: { name: 'acme' } } });
    expect(await db.stage.count({ where: { projectId: project.id } })).toBe(0);
    expect(await db.resource.count({ where: { projectId: project.id } })).toBe(0);
  });

  it('refuses YAML over the size limit, viewers and other tenants', async () => {
    const huge = `# ${'x'.repeat(LIMITS.yamlBytes)}\n${RESOURCES}`;
    const tooBig = await apply('atomic', huge);
    expect(code(tooBig)).toBe('BAD_USER_INPUT');
    expect(tooBig.errors?.[0]?.extensions?.field).toBe('input.yaml');
    expect(code(await apply('atomic', RESOURCES, roles.VIEWER))).toBe('FORBIDDEN');
    expect(code(await apply('atomic', RESOURCES, outsider.OWNER))).toBe('NOT_FOUND');
  });

  it('exports a workflow that applies to a fresh project and exports to the same text', async () => {
    expect((await apply('source', RESOURCES)).errors).toBeUndefined();
    const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
    const inputs = seeds.map((seed) => generateWorkflowInput(seed, 'source'));
    // The seeds cover matrix stages of one and two axes, maxParallel, matrixFrom and child workflows.
    const stages = inputs.flatMap(stagesOf);
    expect(new Set(stages.map((stage) => (stage.matrix as unknown[] | undefined)?.length ?? 0))).toEqual(
      new Set([0, 1, 2]),
    );
    expect(stages.some((stage) => stage.maxParallel !== undefined)).toBe(true);
    expect(stages.some((stage) => stage.matrixFrom !== undefined)).toBe(true);
    expect(stages.filter((stage) => stage.workflow !== undefined).length).toBeGreaterThanOrEqual(2);
    for (const [i, input] of inputs.entries()) {
      const created = await api.graphql(CREATE, { input }, roles.DEVELOPER);
      expect(created.errors, `seed ${seeds[i]}`).toBeUndefined();
    }
    await api.graphql(
      CREATE_TRIGGER,
      {
        input: {
          tenant: 'acme',
          project: 'source',
          workflow: 'wf-1',
          name: 'nightly',
          type: 'CRON',
          cron: '0 4 * * 1-5',
          timezone: 'Europe/Berlin',
        },
      },
      roles.DEVELOPER,
    );
    for (const seed of seeds) {
      const name = `wf-${seed}`;
      const exported = (
        await api.graphql<{ workflow: { yaml: string } }>(YAML, { project: 'source', name }, roles.VIEWER)
      ).data?.workflow.yaml as string;
      expect(exported, `seed ${seed}`).toContain(`kind: Workflow\nmetadata:\n  name: ${name}\n`);
      if (seed === 1) expect(exported).toContain('    timezone: Europe/Berlin\n');
      const applied = await apply('copy', exported);
      expect(applied.errors, `seed ${seed}`).toBeUndefined();
      expect(applied.data?.applyManifests.find((o) => o.kind === 'Workflow')).toEqual({
        kind: 'Workflow',
        name,
        action: 'CREATED',
      });
      const copy = await api.graphql<{ workflow: { yaml: string; version: number } }>(
        YAML,
        { project: 'copy', name },
        roles.VIEWER,
      );
      expect(copy.data?.workflow.yaml, `seed ${seed}`).toBe(exported);
      // The same text could hide a field lost both ways: the copy's fan-out and child workflows are the input's.
      const fanOut = await api.graphql<{ workflow: { stages: unknown[] } }>(
        FAN_OUT,
        { project: 'copy', name },
        roles.VIEWER,
      );
      expect(fanOut.data?.workflow.stages, `seed ${seed}`).toEqual(
        stagesOf(inputs[seed - 1]).map((stage) => {
          const child = stage.workflow as { name: string; parameters?: unknown[] } | undefined;
          return {
            name: stage.name,
            matrix: stage.matrix ?? [],
            matrixFrom: stage.matrixFrom ?? null,
            maxParallel: stage.maxParallel ?? null,
            workflow: child ? { name: child.name, parameters: child.parameters ?? [] } : null,
          };
        }),
      );

      const again = await apply('copy', exported);
      expect(again.data?.applyManifests.length, `seed ${seed}`).toBe(applied.data?.applyManifests.length);
      expect(new Set(again.data?.applyManifests.map((o) => o.action)), `seed ${seed}`).toEqual(new Set(['UNCHANGED']));
      const after = await api.graphql<{ workflow: { version: number } }>(YAML, { project: 'copy', name }, roles.VIEWER);
      expect(after.data?.workflow.version).toBe(1);
    }
  });
});
