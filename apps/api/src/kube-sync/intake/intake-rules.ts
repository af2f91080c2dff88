import { dnsLabelSchema } from '@cyclone/domain';
import { FIELD_MANAGER, type KubernetesObject, LABELS } from '@cyclone/k8s';
import { INSTANCE_LABEL } from '../labels.js';

/** The Cyclone kinds taken from Kubernetes, in the order one pass applies them (references first). */
export const INTAKE_KINDS = ['Resource', 'Stage', 'Workflow', 'WorkflowTrigger', 'WorkflowRun'] as const;
export type IntakeKind = (typeof INTAKE_KINDS)[number];

/** Annotation naming the project of a WorkflowRun whose workflowRef is a bare workflow name. */
export const PROJECT_ANNOTATION = 'cyclone.dev/project';

interface ManagedFieldsEntry {
  manager?: string;
  subresource?: string;
  fieldsV1?: Record<string, unknown>;
}

export type IntakeObject = KubernetesObject & {
  spec?: Record<string, unknown>;
  status?: { observedGeneration?: number; conditions?: Condition[]; [key: string]: unknown };
};

export interface Condition {
  type: 'Accepted';
  status: 'True' | 'False';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** Whether someone other than Cyclone's field manager wrote any of the object's spec. */
export function hasForeignSpecWriter(object: IntakeObject): boolean {
  const entries = (object.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
  return entries.some(
    (e) =>
      e.manager !== FIELD_MANAGER && e.subresource !== 'status' && e.fieldsV1 !== undefined && 'f:spec' in e.fieldsV1,
  );
}

/**
 * Whether the object holds a change to take: its generation is neither the one the
 * intake last answered (`status.observedGeneration`) nor the one Cyclone's own
 * mirror last wrote (`mirroredGeneration`, from the sync state in Postgres), and a
 * foreign field manager wrote its spec. A WorkflowRun the executor made (object
 * type `run`) is Cyclone's own.
 */
export function isChangeToTake(object: IntakeObject, mirroredGeneration: number | undefined): boolean {
  if (object.metadata?.deletionTimestamp) return false;
  const generation = object.metadata?.generation;
  if (generation === undefined || generation === object.status?.observedGeneration) return false;
  if (object.kind === 'WorkflowRun') return object.metadata?.labels?.[LABELS.objectType] !== 'run';
  if (generation === mirroredGeneration) return false;
  return hasForeignSpecWriter(object);
}

/** Where a resource goes in Cyclone, or why it cannot be taken (with the field at fault). */
export type IntakeTarget =
  | { project: string; name: string; workflow?: string; isWorkflowStage?: boolean }
  | { field: string; error: string };

const isDnsLabel = (text: string) => dnsLabelSchema.safeParse(text).success;

/**
 * The project and Cyclone name of a resource. Its name is what the mirror calls it,
 * so the mirror adopts it after the apply: `<project>.<name>` (Resource, Stage,
 * Workflow), `<project>.<workflow>.<stage>` (a workflow's own Stage),
 * `<project>.<workflow>.<name>` (WorkflowTrigger). A label `cyclone.dev/project`,
 * when present, must agree with the name. A WorkflowRun is named freely (one DNS
 * label): its project is the label, else the annotation `cyclone.dev/project`, else
 * the prefix of `spec.workflowRef.name` (`<project>.<workflow>`, as mirrored).
 */
export function intakeTargetOf(object: IntakeObject): IntakeTarget {
  const crName = object.metadata?.name ?? '';
  const labelled = object.metadata?.labels?.[LABELS.project];
  if (object.kind === 'WorkflowRun') return runTargetOf(object, crName, labelled);
  const parts = crName.split('.');
  const expected =
    object.kind === 'WorkflowTrigger'
      ? '<project>.<workflow>.<name>'
      : object.kind === 'Stage'
        ? '<project>.<name> (or <project>.<workflow>.<stage>)'
        : '<project>.<name>';
  const wanted = object.kind === 'WorkflowTrigger' ? [3] : object.kind === 'Stage' ? [2, 3] : [2];
  if (!wanted.includes(parts.length) || !parts.every(isDnsLabel)) {
    return { field: 'metadata.name', error: `must be ${expected}, each part a DNS label` };
  }
  const [project, second, third] = parts as [string, string, string | undefined];
  if (labelled !== undefined && labelled !== project) {
    return {
      field: `metadata.labels.${LABELS.project}`,
      error: `is "${labelled}" but the name starts with "${project}."`,
    };
  }
  if (third === undefined) return { project, name: second };
  return object.kind === 'Stage'
    ? { project, workflow: second, name: third, isWorkflowStage: true }
    : { project, workflow: second, name: third };
}

function runTargetOf(object: IntakeObject, crName: string, labelled: string | undefined): IntakeTarget {
  if (!isDnsLabel(crName)) return { field: 'metadata.name', error: 'must be a DNS label (no dots)' };
  // `<workflow>-<n>` is what the executor names the runs it starts: a resource named so could be taken for one.
  if (/-\d+$/.test(crName)) {
    return { field: 'metadata.name', error: 'must not end in -<number>, the form of the names Cyclone gives its runs' };
  }
  const ref = (object.spec?.workflowRef as { name?: unknown } | undefined)?.name;
  if (typeof ref !== 'string' || ref === '') return { field: 'spec.workflowRef.name', error: 'required' };
  const annotated = object.metadata?.annotations?.[PROJECT_ANNOTATION];
  const dot = ref.indexOf('.');
  const project = labelled ?? annotated ?? (dot > 0 ? ref.slice(0, dot) : undefined);
  if (!project) {
    return {
      field: 'spec.workflowRef.name',
      error: `must be <project>.<workflow>, or the project given in label ${LABELS.project}`,
    };
  }
  const workflow = ref.startsWith(`${project}.`) ? ref.slice(project.length + 1) : ref;
  return { project, name: crName, workflow };
}

/** Labels Cyclone writes itself; never part of a document. */
const OWN_LABELS = new Set<string>([...Object.values(LABELS), INSTANCE_LABEL, 'cyclone.dev/run']);
/** Annotations Cyclone writes itself. */
const OWN_ANNOTATIONS = new Set(['cyclone.dev/version', 'cyclone.dev/run-number', PROJECT_ANNOTATION]);

const pick = (values: Record<string, string> | undefined, keep: (key: string) => boolean) => {
  const kept = Object.entries(values ?? {}).filter(([key]) => keep(key));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
};

/**
 * The Cyclone YAML document of a resource, as applyManifests reads it: the
 * Cyclone name, the user's own labels and Cyclone annotations (others, such as
 * kubectl's or Argo CD's, are left out), and the spec with the workflow reference
 * as the project knows it.
 */
export function toCycloneDocument(
  object: IntakeObject,
  target: { name: string; workflow?: string },
): Record<string, unknown> {
  const labels = pick(object.metadata?.labels, (key) => !OWN_LABELS.has(key));
  const annotations = pick(
    object.metadata?.annotations,
    (key) => key.includes('cyclone.dev/') && !OWN_ANNOTATIONS.has(key),
  );
  const spec = { ...(object.spec ?? {}) };
  if ((object.kind === 'WorkflowTrigger' || object.kind === 'WorkflowRun') && target.workflow) {
    spec.workflowRef = { ...(spec.workflowRef as Record<string, unknown>), name: target.workflow };
  }
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name: target.name, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    spec,
  };
}

/**
 * A field path of the one document applied, as a path in the resource:
 * `documents[0].spec.stages[1].name` → `spec.stages[1].name`.
 */
export function toObjectPath(text: string): string {
  return text.replace(/documents\[\d+\]\./g, '');
}

export function acceptedCondition(
  isAccepted: boolean,
  reason: string,
  message: string,
  generation: number | undefined,
  now: Date,
): Condition {
  return {
    type: 'Accepted',
    status: isAccepted ? 'True' : 'False',
    reason,
    message: message.slice(0, 4096),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}
