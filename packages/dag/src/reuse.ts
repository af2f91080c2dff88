/**
 * Which stages a retry reuses instead of running again: those that SUCCEEDED in the
 * original run, are neither `fromStage` nor downstream of it, and whose upstream
 * stages are all reused too (a stage never keeps outputs computed from inputs that
 * are produced afresh). Without `fromStage` every such succeeded stage is reused; several
 * stages (a retry that also overrides stages) restart from each of them.
 * Finally stages are never reused: they clean up after the run they belong to.
 */
export function reusableStages(
  stages: readonly { name: string; dependsOn?: readonly string[]; finally?: boolean }[],
  succeeded: ReadonlySet<string>,
  fromStage?: string | readonly string[],
): Set<string> {
  const dependents = new Map<string, string[]>();
  for (const stage of stages) {
    for (const upstream of stage.dependsOn ?? [])
      dependents.set(upstream, [...(dependents.get(upstream) ?? []), stage.name]);
  }
  const rerun = new Set<string>();
  const queue = typeof fromStage === 'string' ? [fromStage] : [...(fromStage ?? [])];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (rerun.has(name)) continue;
    rerun.add(name);
    queue.push(...(dependents.get(name) ?? []));
  }
  const reused = new Set<string>();
  // Repeat until stable: the graph is acyclic, so this ends within |stages| rounds.
  for (let changed = true; changed; ) {
    changed = false;
    for (const stage of stages) {
      if (stage.finally || reused.has(stage.name) || rerun.has(stage.name) || !succeeded.has(stage.name)) continue;
      if ((stage.dependsOn ?? []).every((upstream) => reused.has(upstream))) {
        reused.add(stage.name);
        changed = true;
      }
    }
  }
  return reused;
}
