import type {
  NameValue,
  ResourceSpec,
  ResourceTypeSpec,
  RunVolume,
  StageDefinition,
  StageTemplateSpec,
  TemplateKind,
  TriggerSpec,
  WorkflowResources,
  WorkflowStage,
} from '@cyclone/domain';
import type { WorkflowNotificationSpec } from './workflow-notification.js';

export const API_VERSION = 'cyclone.dev/v1alpha1';

export const MANIFEST_KINDS = ['Resource', 'Stage', 'Workflow', 'WorkflowTrigger', 'WorkflowRun'] as const;
export type ManifestKind = (typeof MANIFEST_KINDS)[number];

/** A stage's place in a Workflow document: the definition itself is a Stage document. */
export type WorkflowStageRef = Pick<
  WorkflowStage,
  | 'name'
  | 'dependsOn'
  | 'artifactSources'
  | 'trivial'
  | 'timeout'
  | 'retries'
  | 'when'
  | 'finally'
  | 'approval'
  | 'workflow'
  | 'caches'
  | 'matrix'
  | 'matrixFrom'
  | 'maxParallel'
>;

/** Cyclone's kind Workflow: the graph over Stage documents, referenced by name. */
export interface WorkflowManifestSpec {
  name: string;
  description: string;
  globalVariables: NameValue[];
  /** `spec.resources` (the original's `spec.Resources`): the stages' default requests and limits; absent: none. */
  resources?: WorkflowResources;
  /** Label `workflowrun.cyclone.dev/acceleration: "true"`: its runs keep their stages' build tool folders. */
  acceleration?: boolean;
  stages: WorkflowStageRef[];
  /** `spec.executionContext.cluster`: the worker cluster its runs use (a KUBERNETES integration); absent: unchanged. */
  executionCluster?: string;
  /** `spec.notification`: the workflow's run notifications; absent: unchanged. */
  notification?: WorkflowNotificationSpec;
}

/** Cyclone's kind WorkflowRun: applying one queues a run of the workflow. */
export interface WorkflowRunManifestSpec {
  name: string;
  workflowRef: string;
  timeout?: string;
  stages: { name: string; parameters: NameValue[] }[];
  resources: { name: string; parameters: NameValue[] }[];
  /** `spec.globalVariables`: override the workflow's variables for this run. */
  globalVariables: NameValue[];
  /** `spec.executionContext.cluster`: the worker cluster (a KUBERNETES integration) its pods run in. */
  executionCluster?: string;
  /** Label `workflowrun.cyclone.dev/acceleration`: on or off for this run; absent: as its workflow says. */
  acceleration?: boolean;
  /** `spec.startStages` / `spec.endStages`: run only the stages between them. */
  startStages: string[];
  endStages: string[];
  /** `spec.serviceAccount`: the service account its stage pods run as (Kubernetes; granted by a platform admin). */
  serviceAccount?: string;
  /** `spec.volumes`: claims, Secrets and ConfigMaps its stage pods mount (PVC: `executionContext.pvc` when unnamed). */
  volumes: RunVolume[];
}

/** What a Stage document labelled `stage.cyclone.dev/template: "true"` says about the template. */
export interface StageTemplateMeta {
  kind: TemplateKind;
  description: string;
}

export type Manifest =
  | { kind: 'Resource'; spec: ResourceSpec }
  /** A resource type of the tenant (a Resource document labelled as one). */
  | { kind: 'ResourceType'; spec: ResourceTypeSpec }
  | { kind: 'Stage'; spec: StageDefinition; template?: undefined }
  /** A stage template (a Stage document labelled as one): its resources may be typed slots. */
  | { kind: 'Stage'; spec: StageTemplateSpec; template: StageTemplateMeta }
  | { kind: 'Workflow'; spec: WorkflowManifestSpec }
  | { kind: 'WorkflowTrigger'; spec: TriggerSpec; workflowRef: string }
  | { kind: 'WorkflowRun'; spec: WorkflowRunManifestSpec };

/** A problem in one document: `path` names the field, e.g. `documents[2].spec.type`. */
export interface ManifestError {
  document: number;
  path: string;
  message: string;
}

export function formatManifestError(error: ManifestError): string {
  return `${error.path}: ${error.message}`;
}

/** Cyclone's annotations and labels this codec reads and writes. */
export const ANNOTATIONS = {
  description: 'cyclone.dev/description',
  /** The stage template a stage was made from (this project's extension). */
  stageTemplate: 'cyclone.dev/stage-template',
} as const;

export const LABELS = {
  /** `"true"` makes a Resource document a resource type of the tenant. */
  resourceType: 'resource.cyclone.dev/template',
  /** `"true"` makes a Stage document a stage template of the tenant. */
  template: 'stage.cyclone.dev/template',
  templateKind: 'stage.cyclone.dev/template-kind',
  /** Cyclone marks its shipped templates so; applied ones become the tenant's own all the same. */
  builtin: 'cyclone.dev/builtin',
} as const;
