// TypeScript shapes of the cyclone.dev/v1alpha1 custom resources, written to
// match the OpenAPI schemas in k8s/crds/*.yaml (crd-types.test.ts checks the
// examples in k8s/examples against both).

export const CYCLONE_GROUP = 'cyclone.dev';
export const CYCLONE_VERSION = 'v1alpha1';
export const CYCLONE_API_VERSION = `${CYCLONE_GROUP}/${CYCLONE_VERSION}` as const;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string | Date;
  deletionTimestamp?: string | Date;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface CustomResource<K extends string, Spec, Status = { observedGeneration?: number }> {
  apiVersion: typeof CYCLONE_API_VERSION;
  kind: K;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

export interface NameValue {
  name: string;
  value?: string;
}

export type ResourceTypeName = 'Git' | 'Svn' | 'Image' | 'KV' | 'General';

export interface ProjectSpec {
  description?: string;
}

export interface ResourceCrSpec {
  type: ResourceTypeName;
  parameters?: (NameValue & { required?: boolean; description?: string })[];
  resolver?: string;
  integration?: string;
  operations?: ('pull' | 'push')[];
  persistent?: { pvc: string; path: string; pullPolicy?: 'Always' | 'IfNotExist' };
  bind?: { integrationType?: string; paramBindings?: Record<string, string> };
}

/** A resource a stage takes: by name, or (in templates) by type. */
export interface StageResourceRef {
  name?: string;
  type?: ResourceTypeName;
  path: string;
}

export interface StageCrSpec {
  /** What the stage runs; absent on a delegated stage (exactly one of pod and delegation). */
  pod?: {
    inputs?: {
      arguments?: (NameValue & { description?: string })[];
      resources?: StageResourceRef[];
      artifacts?: { name: string; path: string }[];
    };
    outputs?: {
      resources?: { name?: string; type?: ResourceTypeName }[];
      artifacts?: { name: string; path: string }[];
    };
    /** A Kubernetes PodSpec; the first container is the workload. */
    spec: { containers: ({ image: string; name?: string } & Record<string, unknown>)[] } & Record<string, unknown>;
  };
  /** A delegated stage: Cyclone POSTs the work to `url` and waits for the callback; `config` is sent as given. */
  delegation?: { type: string; url: string; config?: unknown };
}

/**
 * A Workflow's default stage resources: a Kubernetes ResourceRequirements of cpu and
 * memory only, quantities as YAML gives them (`cpu: 2` is a number, `cpu: 500m` text).
 */
export interface WorkflowCrResources {
  requests?: { cpu?: number | string; memory?: number | string };
  limits?: { cpu?: number | string; memory?: number | string };
}

export interface WorkflowCrSpec {
  globalVariables?: NameValue[];
  /** The stages' default requests and limits: each stage takes those its workload container leaves unset. */
  resources?: WorkflowCrResources;
  /** The original Cyclone's spelling of `resources` (its Go field has no JSON tag); give one of the two. */
  Resources?: WorkflowCrResources;
  stages: {
    name: string;
    depends?: string[];
    artifacts?: { name: string; source: string }[];
    trivial?: boolean;
    timeout?: string;
    retries?: number;
    /** CEL condition: false skips the stage. */
    when?: string;
    /** Runs after every other stage has ended, whatever the outcome. */
    finally?: boolean;
    /** An approval gate: it runs nothing and waits for members to decide. */
    approval?: {
      count?: number;
      roles?: string[];
      users?: string[];
      timeout?: string;
      onTimeout?: 'Fail' | 'Skip';
      inputs?: { name: string; required?: boolean; description?: string }[];
    };
    /** A child workflow: the stage runs another workflow of the project. */
    workflow?: { name: string; parameters?: NameValue[] };
  }[];
}

export interface WorkflowRef {
  kind?: string;
  name: string;
  namespace?: string;
}

export interface WorkflowTriggerCrSpec {
  type: 'Cron' | 'SCM' | 'Webhook';
  workflowRef: WorkflowRef;
  cron?: {
    schedule: string;
    /** IANA time zone of the schedule; absent = UTC. */
    timezone?: string;
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
    startingDeadlineSeconds?: number;
  };
  scm?: {
    secret: string;
    repo: string;
    push?: { enabled?: boolean; branches?: string[] };
    tagRelease?: { enabled?: boolean };
    pullRequest?: { enabled?: boolean; branches?: string[] };
    /** `users`: who may start runs by commenting besides those with write access (Cyclone's addition). */
    pullRequestComment?: { enabled?: boolean; comments?: string[]; users?: string[] };
    postCommit?: { enabled?: boolean };
  };
  parameters?: NameValue[];
  workflowRunSpec?: Record<string, unknown>;
  disabled?: boolean;
}

export interface WorkflowRunCrSpec {
  workflowRef: WorkflowRef;
  timeout?: string;
  stages?: { name: string; parameters?: NameValue[] }[];
  resources?: { name: string; parameters?: NameValue[] }[];
  globalVariables?: NameValue[];
  executionContext?: { cluster?: string; pvc?: string };
  serviceAccount?: string;
  volumes?: Record<string, unknown>[];
}

export interface WorkflowRunCrStatus {
  observedGeneration?: number;
  phase?: 'Pending' | 'Running' | 'Waiting' | 'Succeeded' | 'Failed' | 'Cancelled';
  message?: string;
  /** "<finished>/<total>" stages. */
  progress?: string;
  startTime?: string;
  finishTime?: string;
  /** Created with kubectl (GitOps intake): the intake's verdict and the run it started. */
  conditions?: Condition[];
  runId?: string;
  runNumber?: number;
}

export interface ExecutionClusterSpec {
  description?: string;
  server?: string;
  tenant?: string;
  secretRef: { namespace: string; name: string; key?: string };
  namespacePrefix?: string;
}

export type ProjectCr = CustomResource<
  'Project',
  ProjectSpec,
  { observedGeneration?: number; conditions?: Condition[] }
>;
export type ResourceCr = CustomResource<'Resource', ResourceCrSpec>;
export type StageCr = CustomResource<'Stage', StageCrSpec>;
export type WorkflowCr = CustomResource<
  'Workflow',
  WorkflowCrSpec,
  { observedGeneration?: number; stageCount?: number }
>;
export type WorkflowTriggerCr = CustomResource<
  'WorkflowTrigger',
  WorkflowTriggerCrSpec,
  { observedGeneration?: number; lastFireTime?: string; nextFireTime?: string }
>;
export type WorkflowRunCr = CustomResource<'WorkflowRun', WorkflowRunCrSpec, WorkflowRunCrStatus>;
export type ExecutionClusterCr = CustomResource<
  'ExecutionCluster',
  ExecutionClusterSpec,
  { observedGeneration?: number; kubernetesVersion?: string; conditions?: Condition[] }
>;

export type CycloneResource =
  | ProjectCr
  | ResourceCr
  | StageCr
  | WorkflowCr
  | WorkflowTriggerCr
  | WorkflowRunCr
  | ExecutionClusterCr;

export type CycloneKind = CycloneResource['kind'];

/** Plural, short name and scope of each kind, as the CRDs declare them. */
export const CYCLONE_KINDS: Record<CycloneKind, { plural: string; shortName: string; isNamespaced: boolean }> = {
  Project: { plural: 'projects', shortName: 'proj', isNamespaced: true },
  Resource: { plural: 'resources', shortName: 'rsc', isNamespaced: true },
  Stage: { plural: 'stages', shortName: 'stg', isNamespaced: true },
  Workflow: { plural: 'workflows', shortName: 'cywf', isNamespaced: true },
  WorkflowTrigger: { plural: 'workflowtriggers', shortName: 'wft', isNamespaced: true },
  WorkflowRun: { plural: 'workflowruns', shortName: 'wfr', isNamespaced: true },
  ExecutionCluster: { plural: 'executionclusters', shortName: 'ec', isNamespaced: false },
};
