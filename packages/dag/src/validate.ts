import { buildDag } from './build.js';
import { checkCondition } from './condition.js';
import { findCycles } from './cycles.js';
import { upstreamClosure } from './order.js';
import type { DagIssue, DagStage } from './types.js';

/** Every problem that keeps a set of stages from being a runnable DAG. Empty when valid. */
export function validateDag(stages: readonly DagStage[]): DagIssue[] {
  const issues: DagIssue[] = [];
  const seen = new Set<string>();
  for (const stage of stages) {
    if (seen.has(stage.name)) {
      issues.push({
        code: 'DUPLICATE_STAGE',
        stage: stage.name,
        message: `stage "${stage.name}" is declared more than once`,
      });
    }
    seen.add(stage.name);
  }
  for (const stage of stages) {
    for (const dep of stage.dependsOn ?? []) {
      if (dep === stage.name) {
        issues.push({ code: 'SELF_DEPENDENCY', stage: stage.name, message: `stage "${stage.name}" depends on itself` });
      } else if (!seen.has(dep)) {
        issues.push({
          code: 'UNKNOWN_DEPENDENCY',
          stage: stage.name,
          dependency: dep,
          message: `stage "${stage.name}" depends on "${dep}", which is not a stage of this workflow`,
        });
      }
    }
  }
  const dag = buildDag(stages);
  for (const cycle of findCycles(dag)) {
    issues.push({
      code: 'CYCLE',
      stage: cycle[0] as string,
      cycle,
      message: `stages form a cycle: ${cycle.join(' → ')}`,
    });
  }
  issues.push(...validateArtifactSources(stages, dag));
  issues.push(...validateLanguage(stages));
  return issues;
}

/** Conditions must be valid CEL giving a bool; an ordinary stage cannot wait for a finally stage (it runs after it). */
function validateLanguage(stages: readonly DagStage[]): DagIssue[] {
  const issues: DagIssue[] = [];
  const finals = new Set(stages.filter((s) => s.finally).map((s) => s.name));
  for (const stage of stages) {
    if (stage.when !== undefined) {
      const problem = checkCondition(stage.when);
      if (problem) {
        issues.push({
          code: 'BAD_CONDITION',
          stage: stage.name,
          message: `stage "${stage.name}": when is not a valid condition: ${problem}`,
        });
      }
    }
    if (stage.finally) continue;
    for (const dep of stage.dependsOn ?? []) {
      if (!finals.has(dep)) continue;
      issues.push({
        code: 'DEPENDS_ON_FINALLY',
        stage: stage.name,
        dependency: dep,
        message: `stage "${stage.name}" depends on finally stage "${dep}", which runs after every other stage; make it a finally stage too`,
      });
    }
  }
  return issues;
}

function validateArtifactSources(stages: readonly DagStage[], dag: ReturnType<typeof buildDag>): DagIssue[] {
  const issues: DagIssue[] = [];
  const outputs = new Map(stages.map((s) => [s.name, new Set(s.outputArtifacts ?? [])]));
  for (const stage of stages) {
    for (const input of stage.inputArtifacts ?? []) {
      const [sourceStage, artifact] = input.source.split('/', 2);
      if (!sourceStage || !artifact || !outputs.get(sourceStage)?.has(artifact)) {
        issues.push({
          code: 'UNKNOWN_ARTIFACT_SOURCE',
          stage: stage.name,
          source: input.source,
          message: `stage "${stage.name}" takes artifact "${input.source}", but no stage produces it (expected "<stage>/<artifact>")`,
        });
      } else if (!upstreamClosure(dag, stage.name).has(sourceStage)) {
        issues.push({
          code: 'ARTIFACT_SOURCE_NOT_UPSTREAM',
          stage: stage.name,
          source: input.source,
          message: `stage "${stage.name}" takes artifact "${input.source}", so it must depend (directly or not) on "${sourceStage}"`,
        });
      }
    }
  }
  return issues;
}
