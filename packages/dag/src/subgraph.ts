/**
 * A run of part of a workflow (Cyclone's WorkflowRun `startStages` / `endStages`): the
 * ordinary stages that are both downstream of (or one of) a start stage and upstream of
 * (or one of) an end stage; an empty list does not limit that side. Finally stages are
 * always part of the run: they run whatever the outcome.
 */
export function selectStages(
  stages: readonly { name: string; dependsOn?: readonly string[]; finally?: boolean }[],
  startStages: readonly string[],
  endStages: readonly string[],
): Set<string> {
  const all = stages.map((stage) => stage.name);
  if (startStages.length === 0 && endStages.length === 0) return new Set(all);
  const upstreamOf = new Map(stages.map((stage) => [stage.name, stage.dependsOn ?? []]));
  const downstreamOf = new Map<string, string[]>(all.map((name) => [name, []]));
  for (const stage of stages) for (const dep of stage.dependsOn ?? []) downstreamOf.get(dep)?.push(stage.name);
  const reach = (from: readonly string[], next: (name: string) => readonly string[]) => {
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const other of next(name)) visit(other);
    };
    for (const name of from) visit(name);
    return seen;
  };
  const fromStart = startStages.length > 0 ? reach(startStages, (n) => downstreamOf.get(n) ?? []) : new Set(all);
  const toEnd = endStages.length > 0 ? reach(endStages, (n) => upstreamOf.get(n) ?? []) : new Set(all);
  return new Set(
    stages.filter((stage) => stage.finally || (fromStart.has(stage.name) && toEnd.has(stage.name))).map((s) => s.name),
  );
}
