import type { DagViewStage } from '../canvas/graph-elements';

export type StageChangeKind = 'added' | 'removed' | 'changed' | 'same';

/** A stage of a version as compared: its fields by name (values of any JSON shape). */
export interface ComparedStage extends Record<string, unknown> {
  name: string;
  dependsOn: readonly string[];
}

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

export interface StageChange {
  name: string;
  kind: StageChangeKind;
  changes: FieldChange[];
}

export interface VersionDiff {
  /** Both versions' stages on one canvas: the newer's, then the ones it removed. */
  stages: DagViewStage[];
  byStage: Map<string, StageChange>;
  /** Edge id (`source->target`) → added or removed; edges in both are left out. */
  edges: Map<string, 'added' | 'removed'>;
}

/** How a field's value is shown and compared: absent, null and empty lists are one "nothing". */
function shown(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value) && value.length === 0) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function fieldChanges(before: ComparedStage, after: ComparedStage): FieldChange[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((field) => field !== 'name');
  return fields.flatMap((field) => {
    const was = shown(before[field]);
    const is = shown(after[field]);
    return was === is ? [] : [{ field, before: was, after: is }];
  });
}

const toView = (stage: ComparedStage, names: ReadonlySet<string>): DagViewStage => ({
  name: stage.name,
  image: typeof stage.image === 'string' ? stage.image : undefined,
  dependsOn: stage.dependsOn.filter((dep) => names.has(dep)),
  trivial: stage.trivial === true,
  finally: stage.finally === true,
  when: typeof stage.when === 'string' ? stage.when : undefined,
});

/**
 * Two versions of a workflow on one canvas: stages matched by name are `same` or
 * `changed` (with each field that differs), the newer's others `added`, the older's
 * others `removed`; a removed stage keeps its edges to stages still there.
 */
export function diffVersions(before: readonly ComparedStage[], after: readonly ComparedStage[]): VersionDiff {
  const old = new Map(before.map((stage) => [stage.name, stage]));
  const current = new Map(after.map((stage) => [stage.name, stage]));
  const names = new Set([...old.keys(), ...current.keys()]);
  const byStage = new Map<string, StageChange>();
  for (const stage of after) {
    const was = old.get(stage.name);
    const changes = was ? fieldChanges(was, stage) : [];
    byStage.set(stage.name, { name: stage.name, kind: !was ? 'added' : changes.length ? 'changed' : 'same', changes });
  }
  const removed = before.filter((stage) => !current.has(stage.name));
  for (const stage of removed) byStage.set(stage.name, { name: stage.name, kind: 'removed', changes: [] });

  const edgesOf = (stages: readonly ComparedStage[]) =>
    new Set(stages.flatMap((stage) => stage.dependsOn.map((dep) => `${dep}->${stage.name}`)));
  const oldEdges = edgesOf(before);
  const newEdges = edgesOf(after);
  const edges = new Map<string, 'added' | 'removed'>();
  for (const edge of newEdges) if (!oldEdges.has(edge)) edges.set(edge, 'added');
  for (const edge of oldEdges) if (!newEdges.has(edge)) edges.set(edge, 'removed');

  // A stage still there draws the edges of both versions, so a removed dependency shows.
  const stages = [...after, ...removed].map((stage) => {
    const view = toView(stage, names);
    const older = old.get(stage.name);
    const dependsOn = [...new Set([...view.dependsOn, ...(older?.dependsOn ?? []).filter((dep) => names.has(dep))])];
    return { ...view, dependsOn };
  });
  return { stages, byStage, edges };
}
