import type { Dag, DagStage } from './types.js';

/**
 * Builds adjacency lists from stages. Unknown dependencies and duplicates are
 * dropped here; `validateDag` reports them.
 */
export function buildDag(stages: readonly DagStage[]): Dag {
  const names: string[] = [];
  const known = new Set<string>();
  for (const stage of stages) {
    if (!known.has(stage.name)) {
      known.add(stage.name);
      names.push(stage.name);
    }
  }
  const upstream = new Map<string, string[]>(names.map((n) => [n, []]));
  const downstream = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const stage of stages) {
    const ups = upstream.get(stage.name) as string[];
    for (const dep of stage.dependsOn ?? []) {
      if (!known.has(dep) || dep === stage.name || ups.includes(dep)) continue;
      ups.push(dep);
      (downstream.get(dep) as string[]).push(stage.name);
    }
  }
  return { names, upstream, downstream };
}
