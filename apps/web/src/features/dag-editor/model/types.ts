/** The editor's own model of a workflow: pure data, no React, no xyflow. */

export interface NameValue {
  name: string;
  value: string;
}

export interface EditorStage {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: NameValue[];
  workingDir?: string;
  /** Stages this one runs after (edge source → this stage). */
  dependsOn: string[];
  inputs: {
    resources: { name: string; path: string }[];
    artifacts: { name: string; path: string; source: string }[];
  };
  outputs: {
    /** `path`: where the stage leaves what the resource pushes (Http, or a type with a resolver image); '' = none. */
    resources: { name: string; path: string }[];
    artifacts: { name: string; path: string }[];
  };
  trivial: boolean;
  timeout?: string;
  retries: number;
  template?: string;
  /** CEL condition: false skips the stage (docs/workflows.md). */
  when?: string;
  /** Runs after every other stage has ended, whatever the outcome. */
  finally: boolean;
  /** Set for an approval gate: it runs nothing (no image) and waits for members to decide. */
  approval?: EditorApproval;
  /** Set for a child-workflow stage: it runs another workflow of the project (no image). */
  workflow?: { name: string; parameters: NameValue[] };
  /** Set for a delegated stage: an external system does its work (no image) and calls back. */
  delegation?: EditorDelegation;
  /** Caches restored before the stage and saved after it (docs/workflows.md); absent = none. */
  caches?: EditorCache[];
  /** Matrix axes: the stage runs once per combination (docs/workflows.md, "Matrix"). */
  matrix?: MatrixAxis[];
  /** `${stages.S.outputs.K}`: fan out over a JSON list an upstream stage writes. */
  matrixFrom?: string;
  /** How many combinations run at once. */
  maxParallel?: number;
  /** Containers started before the stage's own, reachable from it by name (docs/workflows.md, "Services"). */
  services?: EditorService[];
}

/** A stage cache as typed in the drawer: paths and restore keys are comma-separated text. */
export interface EditorCache {
  key: string;
  paths: string;
  restoreKeys: string;
}

export interface MatrixAxis {
  name: string;
  values: string[];
}

/** A service of a stage: a database or cache the stage reaches by `name`. */
export interface EditorService {
  name: string;
  image: string;
  command: string[];
  args: string[];
  env: NameValue[];
  /** Exactly one of command or tcpPort; none: ready once started. */
  readiness?: { command?: string[]; tcpPort?: number; timeout?: string };
}

export type ApproverRole = 'OWNER' | 'ADMIN' | 'DEVELOPER' | 'VIEWER';

/** An approval gate's settings (docs/workflows.md, "Approval gates"). */
export interface EditorApproval {
  count: number;
  roles: ApproverRole[];
  /** Emails of members who may decide, whatever their role. */
  users: string[];
  timeout?: string;
  onTimeout: 'FAIL' | 'SKIP';
  inputs: { name: string; required: boolean; description: string }[];
}

/** A delegated stage's settings (docs/workflows.md, "Delegation stages"). */
export interface EditorDelegation {
  /** What kind of system takes the work, e.g. Jenkins; sent along. */
  type: string;
  /** Where Cyclone POSTs the work: http(s). */
  url: string;
  /** Sent as given: any JSON value; undefined when there is none. */
  config?: unknown;
}

export interface Point {
  x: number;
  y: number;
}

export interface EditorDoc {
  stages: EditorStage[];
  /** Top-left corner of each stage's node, by stage name. */
  positions: Record<string, Point>;
}

export function emptyStage(name: string): EditorStage {
  return {
    name,
    image: '',
    command: [],
    args: [],
    env: [],
    dependsOn: [],
    inputs: { resources: [], artifacts: [] },
    outputs: { resources: [], artifacts: [] },
    trivial: false,
    retries: 0,
    finally: false,
  };
}

/** A new approval gate: one approval from a member with the default roles. */
export function approvalStage(name: string): EditorStage {
  return { ...emptyStage(name), approval: { count: 1, roles: [], users: [], onTimeout: 'FAIL', inputs: [] } };
}

/** A new stage that runs another workflow of the project, named in its drawer. */
export function childWorkflowStage(name: string): EditorStage {
  return { ...emptyStage(name), workflow: { name: '', parameters: [] } };
}

/** A new stage that hands its work to an external system, named in its drawer. */
export function delegatedStage(name: string): EditorStage {
  return { ...emptyStage(name), delegation: { type: '', url: '' } };
}

export const EMPTY_DOC: EditorDoc = { stages: [], positions: {} };
