import {
  checkPodSpecExtras,
  LIMITS,
  resourceTypeNameSchema,
  serviceProblems,
  stageDefinitionProblems,
  stageDefinitionSchema,
  stageTemplateSpecSchema,
  TEMPLATE_KIND_ALIASES,
  TEMPLATE_KINDS,
  type TemplateKind,
} from '@cyclone/domain';
import { decodeCaches, reportCacheProblems } from './caches.js';
import { decodeDelegatedStage, isDelegated } from './decode-delegation.js';
import type { FieldReader, Obj } from './fields.js';
import { decodeServices, SERVICES_KEY } from './services-yaml.js';
import { ANNOTATIONS, LABELS, type Manifest, type StageTemplateMeta } from './types.js';
import { reportIssues } from './zod-paths.js';

/** Fields of the workload container that StageDefinition models; the rest is kept in podSpecExtras. */
export const WORKLOAD_FIELDS = ['image', 'command', 'args', 'workingDir', 'env'] as const;

type StageManifest = Extract<Manifest, { kind: 'Stage' }>;

const WORKLOAD = 'spec.pod.spec.containers[0]';
/** Where a pod stage's definition fields are in its document, for reportIssues. */
const POD_STAGE_PLACES = {
  name: 'metadata.name',
  image: `${WORKLOAD}.image`,
  command: `${WORKLOAD}.command`,
  args: `${WORKLOAD}.args`,
  env: `${WORKLOAD}.env`,
  workingDir: `${WORKLOAD}.workingDir`,
  inputs: 'spec.pod.inputs',
  outputs: 'spec.pod.outputs',
  podSpecExtras: 'spec.pod.spec',
  services: `spec.pod.spec.${SERVICES_KEY}`,
  template: `metadata.annotations.${ANNOTATIONS.stageTemplate}`,
  caches: 'spec.caches',
};

/**
 * A Stage document, or a stage template when labelled `stage.cyclone.dev/template:
 * "true"`. A template's resources given by `type` alone stay typed slots (bound when a
 * stage is made from it); in a plain stage such a resource is named after the
 * lower-cased type.
 */
export function decodeStage(r: FieldReader, doc: Obj, base: string, name: string): StageManifest | undefined {
  const metadata = r.object(doc.metadata, `${base}.metadata`);
  const labels = r.object(metadata?.labels, `${base}.metadata.labels`);
  const isTemplate = labels?.[LABELS.template] === 'true' || labels?.[LABELS.template] === true;
  const spec = r.object(doc.spec, `${base}.spec`, true);
  if (spec && isDelegated(spec)) {
    const annotations = r.object(metadata?.annotations, `${base}.metadata.annotations`);
    return decodeDelegatedStage(r, spec, base, name, annotations, isTemplate);
  }
  const pod = r.object(spec?.pod, `${base}.spec.pod`, true);
  if (!pod) return undefined;
  const p = `${base}.spec.pod`;
  const inputs = r.object(pod.inputs, `${p}.inputs`);
  const outputs = r.object(pod.outputs, `${p}.outputs`);
  const podSpec = r.object(pod.spec, `${p}.spec`, true);
  if (!podSpec) return undefined;
  const containers = r.list(podSpec, 'containers', `${p}.spec`);
  if (containers.length === 0) {
    r.fail(`${p}.spec.containers`, 'needs at least one container (the first one is the workload)');
    return undefined;
  }
  const cPath = `${p}.spec.containers[0]`;
  const workload = r.object(containers[0], cPath, true);
  if (!workload) return undefined;
  const annotations = r.object(metadata?.annotations, `${base}.metadata.annotations`);
  const template = isTemplate ? templateMeta(r, labels, annotations, base) : undefined;
  const candidate = {
    name,
    image: r.string(workload, 'image', cPath, true),
    command: r.strings(workload, 'command', cPath),
    args: r.strings(workload, 'args', cPath),
    env: r.nameValues(workload, 'env', cPath),
    workingDir: r.string(workload, 'workingDir', cPath),
    inputs: {
      resources: resourceSlots(r, inputs, `${p}.inputs`, true, isTemplate),
      artifacts: pathItems(r, inputs, `${p}.inputs`),
      arguments: r.objects(inputs, 'arguments', `${p}.inputs`).map(({ item, path }) => ({
        name: r.string(item, 'name', path, true),
        value: r.scalar(item, 'value', path),
        description: r.string(item, 'description', path),
      })),
    },
    outputs: {
      resources: resourceSlots(r, outputs, `${p}.outputs`, false, isTemplate),
      artifacts: pathItems(r, outputs, `${p}.outputs`),
    },
    podSpecExtras: podSpecExtras(podSpec, workload, containers),
    services: decodeServices(r, podSpec, `${p}.spec`),
    template: r.string(annotations, ANNOTATIONS.stageTemplate, `${base}.metadata.annotations`),
    caches: decodeCaches(r, spec, `${base}.spec`),
  };
  const parsed = (isTemplate ? stageTemplateSpecSchema : stageDefinitionSchema).safeParse(candidate);
  if (!parsed.success) {
    reportIssues(r, base, parsed.error.issues, POD_STAGE_PLACES);
    return undefined;
  }
  if (reportCacheProblems(r, `${base}.spec`, name, parsed.data.caches)) return undefined;
  const podProblems = checkPodSpecExtras(parsed.data.podSpecExtras);
  for (const problem of podProblems) r.fail(`${p}.spec.${problem.path}`, problem.message);
  const serviceIssues = serviceProblems(parsed.data);
  for (const problem of serviceIssues)
    r.fail(
      `${p}.spec.${problem.path
        .map(String)
        .join('.')
        .replace(/\.(\d+)/g, '[$1]')}`,
      problem.message,
    );
  if (podProblems.length + serviceIssues.length > 0) return undefined;
  if (isTemplate) return template && { kind: 'Stage', spec: parsed.data, template };
  const definition = stageDefinitionSchema.parse(parsed.data);
  // The schema lets image be empty (a delegated stage has none); a pod's workload needs one.
  const definitionProblems = stageDefinitionProblems(definition);
  reportIssues(r, base, definitionProblems, POD_STAGE_PLACES);
  return definitionProblems.length === 0 ? { kind: 'Stage', spec: definition } : undefined;
}

function templateMeta(
  r: FieldReader,
  labels: Obj | undefined,
  annotations: Obj | undefined,
  base: string,
): StageTemplateMeta | undefined {
  const kindText = r.string(labels, LABELS.templateKind, `${base}.metadata.labels`) ?? 'custom';
  const kind = TEMPLATE_KIND_ALIASES[kindText] ?? kindText;
  if (!(TEMPLATE_KINDS as readonly string[]).includes(kind)) {
    const known = [...TEMPLATE_KINDS, ...Object.keys(TEMPLATE_KIND_ALIASES)].join(', ');
    r.fail(`${base}.metadata.labels.${LABELS.templateKind}`, `must be one of ${known}`);
    return undefined;
  }
  // Folded YAML (`>`) ends descriptions with a newline.
  const description = (r.string(annotations, ANNOTATIONS.description, `${base}.metadata.annotations`) ?? '').trim();
  if (description.length > LIMITS.stringLength) {
    r.fail(`${base}.metadata.annotations.${ANNOTATIONS.description}`, `at most ${LIMITS.stringLength} characters`);
    return undefined;
  }
  return { kind: kind as TemplateKind, description };
}

/**
 * `{name, path}` items; `- type: Git` alone is a slot in a template, else named after
 * its type. An input needs its path; an output's path (where a push finds the data) is optional.
 */
function resourceSlots(r: FieldReader, parent: Obj | undefined, path: string, isInput: boolean, keepSlots: boolean) {
  return r.objects(parent, 'resources', path).map(({ item, path: itemPath }) => {
    const type = r.string(item, 'type', itemPath);
    const typeProblem = type === undefined ? undefined : resourceTypeNameSchema.safeParse(type).error?.issues[0];
    if (typeProblem) r.fail(`${itemPath}.type`, typeProblem.message);
    const given = r.string(item, 'name', itemPath, type === undefined);
    const at = r.string(item, 'path', itemPath, isInput);
    const resourcePath = at === undefined ? {} : { path: at };
    if (keepSlots && given === undefined) return { type, ...resourcePath };
    return { name: given ?? type?.toLowerCase(), ...resourcePath };
  });
}

function pathItems(r: FieldReader, parent: Obj | undefined, path: string) {
  return r.objects(parent, 'artifacts', path).map(({ item, path: itemPath }) => ({
    name: r.string(item, 'name', itemPath, true),
    path: r.string(item, 'path', itemPath, true),
  }));
}

/** The PodSpec minus the workload fields of the first container, or undefined when nothing is left. */
function podSpecExtras(podSpec: Obj, workload: Obj, containers: unknown[]): Record<string, unknown> | undefined {
  const { containers: _containers, [SERVICES_KEY]: _services, ...rest } = podSpec;
  const workloadRest = Object.fromEntries(
    Object.entries(workload).filter(([key]) => !(WORKLOAD_FIELDS as readonly string[]).includes(key)),
  );
  const extras: Record<string, unknown> = { ...rest };
  if (Object.keys(workloadRest).length > 0 || containers.length > 1) {
    extras.containers = [workloadRest, ...containers.slice(1)];
  }
  return Object.keys(extras).length > 0 ? extras : undefined;
}
