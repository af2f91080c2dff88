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
    resources: { name: string }[];
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

export const EMPTY_DOC: EditorDoc = { stages: [], positions: {} };
