import {
  type ResourceSpec,
  resourceSpecSchema,
  type StageApproval,
  type StageCache,
  type StageDefinition,
  stageApprovalSchema,
  stageDefinitionSchema,
  type TriggerSpec,
  triggerSpecSchema,
  type WorkflowResources,
  workflowResourcesSchema,
} from '@cyclone/domain';
import type { Manifest, WorkflowManifestSpec, WorkflowStageRef } from '../types.js';
import {
  NOTIFICATION_POLICIES,
  NOTIFICATION_RECEIVER_TYPES,
  type WorkflowNotificationSpec,
} from '../workflow-notification.js';

/** A small seeded PRNG (mulberry32), so a failing case can be replayed from its seed. */
export function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  const bool = (p = 0.5) => next() < p;
  return { next, int, pick, bool };
}
export type Random = ReturnType<typeof randomSource>;

const WORDS = ['build', 'test', 'lint', 'api', 'web', 'db', 'x', 'a1', 'deploy', 'scan', 'img'];
/** Text that is hard to round-trip: quotes, newlines, YAML syntax, unicode, look-alikes of other types. */
const TRICKY = [
  'plain',
  'it\'s "quoted"',
  'line one\nline two\n',
  '  leading and trailing  ',
  'ünïcödé ✓ 日本語 🚀',
  'true',
  '0123',
  '1.50',
  'null',
  '~',
  '- looks like a list',
  'key: value',
  '# not a comment',
  '{{ image }}',
  '{{{ cmd }}}',
  '$(random:5)',
  'tab\there',
  '',
  'ends with newline\n',
  'a\n\n  indented\n',
  '*alias',
  '&anchor',
  '!tag',
  '@at',
  '%percent',
  '> folded',
  '| literal',
  "'single'",
  'back\\slash',
];

export function dnsName(rnd: Random, prefix = ''): string {
  const parts = Array.from({ length: rnd.int(1, 3) }, () => rnd.pick(WORDS));
  return `${prefix}${parts.join('-')}`.slice(0, 50).replace(/-+$/, '');
}

const text = (rnd: Random) => rnd.pick(TRICKY);
const texts = (rnd: Random, max: number) => Array.from({ length: rnd.int(0, max) }, () => text(rnd));
const nameValues = (rnd: Random, max: number) =>
  Array.from({ length: rnd.int(0, max) }, (_, i) => ({ name: `VAR_${i}_${rnd.pick(WORDS)}`, value: text(rnd) }));

export function generateResource(rnd: Random, name: string): ResourceSpec {
  const type = rnd.pick(['Git', 'Svn', 'Image', 'KV', 'General'] as const);
  const required = type === 'Git' || type === 'Svn' ? ['SCM_URL'] : type === 'Image' ? ['IMAGE'] : [];
  return resourceSpecSchema.parse({
    name,
    type,
    parameters: [...required.map((p) => ({ name: p, value: `v-${rnd.pick(WORDS)}` })), ...nameValues(rnd, 2)],
    resolver: type === 'General' || rnd.bool(0.2) ? `resolver/${rnd.pick(WORDS)}:1` : undefined,
    persistent: rnd.bool(0.2)
      ? { pvc: 'cache', path: '/cache', pullPolicy: rnd.pick(['Always', 'IfNotExist']) }
      : undefined,
    integration: rnd.bool(0.2) ? dnsName(rnd) : undefined,
  });
}

export function generateStage(rnd: Random, name: string, resources: readonly string[]): StageDefinition {
  const pickResources = () => resources.filter(() => rnd.bool(0.3));
  return stageDefinitionSchema.parse({
    name,
    image: rnd.bool(0.2) ? '{{ image }}' : `registry.example.com/${rnd.pick(WORDS)}:${rnd.int(1, 9)}`,
    command: rnd.bool(0.8) ? ['/bin/sh', '-c', text(rnd)] : [],
    args: texts(rnd, 3),
    env: nameValues(rnd, 3),
    workingDir: rnd.bool(0.5) ? `/workspace/${rnd.pick(WORDS)}` : undefined,
    inputs: {
      resources: pickResources().map((r) => ({ name: r, path: `/workspace/${r}` })),
      artifacts: rnd.bool(0.2) ? [{ name: 'in-art', path: '/in' }] : [],
      arguments: Array.from({ length: rnd.int(0, 2) }, (_, i) => ({
        name: `arg${i}`,
        value: rnd.bool() ? text(rnd) : undefined,
        description: rnd.bool() ? text(rnd) : undefined,
      })),
    },
    outputs: {
      resources: pickResources().map((r) => ({ name: r })),
      artifacts: rnd.bool(0.5) ? [{ name: 'out', path: `/out/${rnd.pick(WORDS)}` }] : [],
    },
    podSpecExtras: rnd.bool(0.3)
      ? {
          volumes: [{ name: 'cache', emptyDir: {} }],
          containers: [
            { name: 'main', volumeMounts: [{ name: 'cache', mountPath: '/cache' }] },
            { name: 'side', image: 'dind' },
          ],
        }
      : rnd.bool(0.2)
        ? { containers: [{ name: 'main' }] }
        : undefined,
    template: rnd.bool(0.2) ? dnsName(rnd, 'tpl-') : undefined,
    caches: rnd.bool(0.3) ? generateCaches(rnd) : undefined,
    services: rnd.bool(0.3) ? generateServices(rnd, name) : undefined,
  });
}

/** What a delegated stage's `config` may be: text as the original Cyclone wrote it, any JSON value, or none. */
function generateDelegationConfig(rnd: Random) {
  return rnd.pick([
    () => '{}',
    () => '{"job": "release"}',
    () => ({ job: rnd.pick(WORDS), params: { note: text(rnd), retries: rnd.int(0, 3), dry: rnd.bool() } }),
    () => ({}),
    () => [text(rnd), 1.5, false, null],
    () => undefined,
  ])();
}

/** A stage whose work an external system does: no image, pod, inputs or outputs of its own. */
export function generateDelegatedStage(rnd: Random, name: string): StageDefinition {
  return stageDefinitionSchema.parse({
    name,
    delegation: {
      type: rnd.pick(['Jenkins', 'Webhook', 'argo-workflows']),
      url: rnd.pick(['https://ci.example.com/hook', 'http://jenkins.ci.svc:8080/job/x?token=a%20b&y=1']),
      config: generateDelegationConfig(rnd),
    },
    template: rnd.bool(0.2) ? dnsName(rnd, 'tpl-') : undefined,
  });
}

/** Stage caches with the characters keys take: `${…}` references, hashFiles with quotes and globs. */
function generateCaches(rnd: Random): StageCache[] {
  return Array.from({ length: rnd.int(1, 2) }, (_, i) => ({
    key: rnd.pick([
      `go-${rnd.pick(WORDS)}-\${hashFiles('go.sum')}`,
      `npm-\${variables.ENV}-\${hashFiles('**/package-lock.json', "a/*.lock")}`,
      `plain-${i}: # not a comment`,
    ]),
    paths: rnd.bool() ? [`.cache/${rnd.pick(WORDS)}`] : ['.cache/go-mod', './go-build/'],
    restoreKeys: rnd.bool() ? [`go-${rnd.pick(WORDS)}-`, 'go-'] : [],
  }));
}

/** One to three services with distinct names (none the stage's), each readiness kind or none. */
function generateServices(rnd: Random, stage: string) {
  const names = [...new Set(Array.from({ length: rnd.int(1, 3) }, () => dnsName(rnd, 'svc-')))];
  return names
    .filter((name) => name !== stage)
    .map((name) => ({
      name,
      image: `registry.example.com/${rnd.pick(WORDS)}:${rnd.int(1, 9)}`,
      command: rnd.bool(0.5) ? [text(rnd)] : [],
      args: texts(rnd, 2),
      env: nameValues(rnd, 2),
      readiness: rnd.pick([
        undefined,
        { tcpPort: rnd.int(1, 65_535) },
        { command: ['sh', '-c', text(rnd)], timeout: rnd.bool() ? '90s' : undefined },
      ]),
    }));
}

/** Stage conditions as people write them: quotes, brackets and operators YAML must keep as they are. */
const CONDITIONS = [
  "variables['ENV'] == 'prod'",
  "stages['build'].outputs['ship'] == \"yes\" && trigger.branch == 'main'",
  "run.phase == 'FAILED' || params['FORCE'] == 'true'",
  "trigger.event in ['push', 'tag']: # not a comment",
  'true',
];

/** Run notifications: a policy and up to three receivers of any type (none turns them off). */
function generateNotification(rnd: Random): WorkflowNotificationSpec {
  return {
    policy: rnd.pick(NOTIFICATION_POLICIES),
    receivers: Array.from({ length: rnd.int(0, 3) }, (_, i) => {
      const type = rnd.pick(NOTIFICATION_RECEIVER_TYPES);
      const address = (j: number) =>
        type === 'EMAIL' ? `dev${i}${j}@example.com` : `https://hooks.example.com/${type.toLowerCase()}/${i}/${j}`;
      return { type, addresses: Array.from({ length: rnd.int(1, 2) }, (_, j) => address(j)) };
    }),
  };
}

/** Stages whose dependencies only point backwards, so they always form a DAG. */
export function generateWorkflow(rnd: Random, name: string, stageNames: readonly string[]): WorkflowManifestSpec {
  return {
    name,
    description: rnd.bool() ? text(rnd).trim() : '',
    globalVariables: nameValues(rnd, 3),
    ...(rnd.bool(0.3) ? { resources: generateResources(rnd) } : {}),
    ...(rnd.bool(0.3) ? { notification: generateNotification(rnd) } : {}),
    stages: stageNames.map((stage, index) => {
      const earlier = stageNames.slice(0, index);
      const dependsOn = earlier.filter(() => rnd.bool(0.4));
      return {
        name: stage,
        dependsOn,
        artifactSources: dependsOn.length > 0 && rnd.bool(0.3) ? [{ name: 'out', source: `${dependsOn[0]}/out` }] : [],
        trivial: rnd.bool(0.2),
        retries: rnd.bool(0.2) ? rnd.int(1, 5) : 0,
        ...(rnd.bool(0.3) ? { timeout: rnd.pick(['30s', '15m', '1h', '1h30m']) } : {}),
        ...(rnd.bool(0.3) ? { when: rnd.pick(CONDITIONS) } : {}),
        // Only the last stage may be a finally stage: nothing depends on it.
        finally: index === stageNames.length - 1 && rnd.bool(0.3),
        ...(rnd.bool(0.25) ? { caches: generateCaches(rnd) } : {}),
        ...generateMatrix(rnd, dependsOn),
      };
    }),
  };
}

/**
 * Default stage resources: requests only, limits only or both, each with cpu, memory or
 * both, in quantities YAML would read as numbers if printed bare ("2", "0.5").
 */
export function generateResources(rnd: Random): WorkflowResources {
  const quantities = () =>
    rnd.pick([
      () => ({ cpu: rnd.pick(['500m', '2', '0.5', '1.5']) }),
      () => ({ memory: rnd.pick(['512Mi', '4Gi', '1G', '1048576']) }),
      () => ({ cpu: rnd.pick(['250m', '1']), memory: rnd.pick(['256Mi', '2Gi']) }),
    ])();
  return workflowResourcesSchema.parse(
    rnd.pick([
      () => ({ requests: quantities() }),
      () => ({ limits: quantities() }),
      () => ({ requests: quantities(), limits: quantities() }),
    ])(),
  );
}

/** A matrix of axes whose values YAML must quote, or a matrixFrom over a stage it depends on, or none. */
function generateMatrix(
  rnd: Random,
  dependsOn: readonly string[],
): Pick<WorkflowStageRef, 'matrix' | 'matrixFrom' | 'maxParallel'> {
  const maxParallel = rnd.bool(0.5) ? { maxParallel: rnd.int(1, 8) } : {};
  if (dependsOn.length > 0 && rnd.bool(0.15)) {
    return { matrix: [], matrixFrom: `\${stages.${dependsOn[0]}.outputs.targets}`, ...maxParallel };
  }
  if (!rnd.bool(0.25)) return { matrix: [] };
  const axes = Array.from({ length: rnd.int(1, 3) }, (_, i) => ({
    name: `${rnd.pick(WORDS)}_${i}`,
    values: Array.from({ length: rnd.int(1, 3) }, () => rnd.pick(['1.22', 'true', 'null', '~', text(rnd)])),
  }));
  return { matrix: axes, ...maxParallel };
}

/** Approval gates as people write them: any role, emails, a timeout, inputs with descriptions YAML must quote. */
export function generateApproval(rnd: Random): StageApproval {
  return stageApprovalSchema.parse({
    count: rnd.int(1, 3),
    roles: rnd.bool() ? [rnd.pick(['OWNER', 'ADMIN', 'DEVELOPER', 'VIEWER'] as const)] : [],
    users: ['lead@example.com', 'ops+oncall@example.com', 'qa@example.com'].filter(() => rnd.bool(0.3)),
    timeout: rnd.bool() ? rnd.pick(['30m', '24h', '1h30m']) : undefined,
    onTimeout: rnd.pick(['FAIL', 'SKIP'] as const),
    inputs: Array.from({ length: rnd.int(0, 2) }, (_, i) => ({
      name: `in_${i}.${rnd.pick(WORDS)}`,
      required: rnd.bool(),
      description: rnd.bool() ? text(rnd) : undefined,
    })),
  });
}

/** Some stages become approval gates: those no stage takes an artifact from (a gate makes none). */
function withGates(rnd: Random, workflow: WorkflowManifestSpec): WorkflowManifestSpec {
  const sources = new Set(workflow.stages.flatMap((stage) => stage.artifactSources.map((a) => a.source.split('/')[0])));
  return {
    ...workflow,
    stages: workflow.stages.map((full) => {
      if (sources.has(full.name) || !rnd.bool(0.3)) return full;
      // A stage that runs nothing of its own keeps no cache.
      const { caches: _caches, ...stage } = full;
      if (rnd.bool(0.3)) {
        const parameters = rnd.bool() ? [{ name: 'TARGET', value: rnd.pick(WORDS) }] : [];
        return { ...stage, artifactSources: [], workflow: { name: `lib-${rnd.pick(WORDS)}`, parameters } };
      }
      const approval = generateApproval(rnd);
      // A gate naming only users needs no more approvals than it names.
      const count = approval.roles.length === 0 && approval.users.length > 0 ? 1 : approval.count;
      return { ...stage, retries: 0, artifactSources: [], approval: { ...approval, count } };
    }),
  };
}

/**
 * Some stages become delegated: those no stage takes an artifact from, that are not gates.
 * A delegated stage keeps its Stage document, but takes no inputs, caches or matrix.
 */
function withDelegations(
  rnd: Random,
  workflow: WorkflowManifestSpec,
  stages: readonly StageDefinition[],
): { workflow: WorkflowManifestSpec; stages: StageDefinition[] } {
  const sources = new Set(workflow.stages.flatMap((stage) => stage.artifactSources.map((a) => a.source.split('/')[0])));
  const delegated = new Set(
    workflow.stages
      .filter((stage) => !stage.approval && !stage.workflow && !sources.has(stage.name) && rnd.bool(0.2))
      .map((stage) => stage.name),
  );
  return {
    workflow: {
      ...workflow,
      stages: workflow.stages.map((full) => {
        if (!delegated.has(full.name)) return full;
        const { caches: _caches, matrixFrom: _matrixFrom, maxParallel: _maxParallel, ...stage } = full;
        return { ...stage, artifactSources: [], matrix: [] };
      }),
    },
    stages: stages.map((stage) => (delegated.has(stage.name) ? generateDelegatedStage(rnd, stage.name) : stage)),
  };
}

export function generateTrigger(rnd: Random, name: string): TriggerSpec {
  const type = rnd.pick(['CRON', 'SCM', 'WEBHOOK'] as const);
  return triggerSpecSchema.parse({
    name,
    type,
    cron: type === 'CRON' ? rnd.pick(['0 3 * * *', '*/5 * * * *', '15 2 1 * 1-5']) : undefined,
    timezone: type === 'CRON' && rnd.bool() ? rnd.pick(['Europe/Berlin', 'America/New_York', 'UTC']) : undefined,
    concurrencyPolicy: type === 'CRON' ? rnd.pick(['ALLOW', 'FORBID', 'REPLACE'] as const) : undefined,
    startingDeadlineSeconds: type === 'CRON' && rnd.bool() ? rnd.int(1, 86_400) : undefined,
    scm:
      type === 'SCM'
        ? {
            integration: dnsName(rnd),
            repo: `org/${rnd.pick(WORDS)}`,
            push: rnd.bool() ? { branches: texts(rnd, 2) } : undefined,
            tagRelease: rnd.bool(),
            pullRequest: rnd.bool() ? { branches: ['main'] } : undefined,
            pullRequestComment: rnd.bool() ? { comments: ['/rerun', text(rnd)] } : undefined,
            workflowFromRevision: rnd.bool(),
          }
        : undefined,
    parameters: nameValues(rnd, 2),
    enabled: rnd.bool(0.8),
  });
}

/** A random, valid set of documents: resources, stages, workflows over them, triggers, runs. */
export function generateManifests(seed: number): Manifest[] {
  const rnd = randomSource(seed);
  const resources = Array.from({ length: rnd.int(0, 3) }, (_, i) => generateResource(rnd, `res-${i}-${dnsName(rnd)}`));
  const stageCount = rnd.int(1, 12);
  const stageNames = Array.from({ length: stageCount }, (_, i) => `s${i}-${dnsName(rnd)}`);
  const generated = stageNames.map((n) =>
    generateStage(
      rnd,
      n,
      resources.map((r) => r.name),
    ),
  );
  const gated = withGates(rnd, generateWorkflow(rnd, `wf-${dnsName(rnd)}`, stageNames));
  const { workflow, stages } = withDelegations(rnd, gated, generated);
  const gates = new Set(workflow.stages.filter((stage) => stage.approval || stage.workflow).map((stage) => stage.name));
  const triggers = Array.from({ length: rnd.int(0, 2) }, (_, i) => generateTrigger(rnd, `trigger-${i}`));
  const out: Manifest[] = [
    ...resources.map((spec) => ({ kind: 'Resource' as const, spec })),
    ...stages.filter((spec) => !gates.has(spec.name)).map((spec) => ({ kind: 'Stage' as const, spec })),
    { kind: 'Workflow', spec: workflow },
    ...triggers.map((spec) => ({ kind: 'WorkflowTrigger' as const, spec, workflowRef: workflow.name })),
  ];
  if (rnd.bool(0.3)) {
    out.push({
      kind: 'WorkflowRun',
      spec: {
        name: `${workflow.name}-run`.slice(0, 63),
        workflowRef: workflow.name,
        ...(rnd.bool() ? { timeout: '1h' } : {}),
        stages: [{ name: stageNames[0] as string, parameters: nameValues(rnd, 2) }],
        resources: resources.slice(0, 1).map((r) => ({ name: r.name, parameters: nameValues(rnd, 1) })),
        globalVariables: nameValues(rnd, 2),
        startStages: rnd.bool(0.3) ? [stageNames[0] as string] : [],
        endStages: rnd.bool(0.3) ? [stageNames[stageNames.length - 1] as string] : [],
        ...(rnd.bool(0.3) ? { serviceAccount: 'builder' } : {}),
        volumes: rnd.bool(0.3)
          ? [
              { type: 'PVC', objectName: 'cache', path: 'm2', mountPath: '/root/.m2', containerGroup: 'Workload' },
              {
                type: 'Secret',
                objectName: 'docker-config',
                path: 'config.json',
                mountPath: '/kaniko/.docker',
                containerGroup: 'All',
              },
            ]
          : [],
      },
    });
  }
  return out;
}
