/** The part of a stage the graph cares about. */
export interface DagStage {
  name: string;
  dependsOn?: readonly string[];
  /** Artifacts taken from other stages, `source` is "<stage>/<artifact>". */
  inputArtifacts?: readonly { name: string; source: string }[];
  /** Artifacts this stage produces, by name. */
  outputArtifacts?: readonly string[];
  /** Its CEL condition, if any. */
  when?: string;
  /** A finally stage: runs after every other stage has ended. */
  finally?: boolean;
}

export type DagIssue =
  | { code: 'DUPLICATE_STAGE'; stage: string; message: string }
  | { code: 'UNKNOWN_DEPENDENCY'; stage: string; dependency: string; message: string }
  | { code: 'SELF_DEPENDENCY'; stage: string; message: string }
  | { code: 'CYCLE'; stage: string; cycle: string[]; message: string }
  | { code: 'UNKNOWN_ARTIFACT_SOURCE'; stage: string; source: string; message: string }
  | { code: 'ARTIFACT_SOURCE_NOT_UPSTREAM'; stage: string; source: string; message: string }
  | { code: 'BAD_CONDITION'; stage: string; message: string }
  | { code: 'DEPENDS_ON_FINALLY'; stage: string; dependency: string; message: string };

export interface Dag {
  /** Stage names in declaration order. */
  readonly names: readonly string[];
  /** Direct upstream stages of each stage (deduplicated, only known names). */
  readonly upstream: ReadonlyMap<string, readonly string[]>;
  /** Direct downstream stages of each stage. */
  readonly downstream: ReadonlyMap<string, readonly string[]>;
}
