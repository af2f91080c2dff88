import {
  type ResourceSpec,
  resourceSpecSchema,
  type StageDefinition,
  stageDefinitionSchema,
  type TriggerSpec,
  triggerSpecSchema,
} from '@cyclone/domain';
import type { Manifest, WorkflowManifestSpec } from '../types.js';

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
      ? { pvc: 'cache', path: '/cache', pullPolicy: rnd.pick(['Always', 'IfNotPresent']) }
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
  });
}

/** Stage conditions as people write them: quotes, brackets and operators YAML must keep as they are. */
const CONDITIONS = [
  "variables['ENV'] == 'prod'",
  "stages['build'].outputs['ship'] == \"yes\" && trigger.branch == 'main'",
  "run.phase == 'FAILED' || params['FORCE'] == 'true'",
  "trigger.event in ['push', 'tag']: # not a comment",
  'true',
];

/** Stages whose dependencies only point backwards, so they always form a DAG. */
export function generateWorkflow(rnd: Random, name: string, stageNames: readonly string[]): WorkflowManifestSpec {
  return {
    name,
    description: rnd.bool() ? text(rnd).trim() : '',
    globalVariables: nameValues(rnd, 3),
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
      };
    }),
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
  const stages = stageNames.map((n) =>
    generateStage(
      rnd,
      n,
      resources.map((r) => r.name),
    ),
  );
  const workflow = generateWorkflow(rnd, `wf-${dnsName(rnd)}`, stageNames);
  const triggers = Array.from({ length: rnd.int(0, 2) }, (_, i) => generateTrigger(rnd, `trigger-${i}`));
  const out: Manifest[] = [
    ...resources.map((spec) => ({ kind: 'Resource' as const, spec })),
    ...stages.map((spec) => ({ kind: 'Stage' as const, spec })),
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
      },
    });
  }
  return out;
}
