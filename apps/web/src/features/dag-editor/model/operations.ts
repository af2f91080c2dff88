import { buildDag, wouldCreateCycle } from '@cyclone/dag';
import type { EditorDoc, EditorStage, Point } from './types';

/** `base`, or `base-2`, `base-3`, … : the first name no stage of `taken` has. */
export function uniqueName(taken: Iterable<string>, base: string): string {
  const names = new Set(taken);
  const stem = base.replace(/-\d+$/, '') || 'stage';
  if (!names.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${stem}-${n}`.slice(-63).replace(/^-+/, '');
    if (!names.has(candidate)) return candidate;
  }
}

export function findStage(doc: EditorDoc, name: string): EditorStage | undefined {
  return doc.stages.find((s) => s.name === name);
}

/** Adds a stage (renamed when its name is taken) at a position. */
export function addStage(doc: EditorDoc, stage: EditorStage, position: Point): { doc: EditorDoc; name: string } {
  const name = uniqueName(
    doc.stages.map((s) => s.name),
    stage.name,
  );
  const known = new Set(doc.stages.map((s) => s.name));
  const added = { ...stage, name, dependsOn: stage.dependsOn.filter((d) => known.has(d)) };
  return {
    doc: { stages: [...doc.stages, added], positions: { ...doc.positions, [name]: position } },
    name,
  };
}

function renameInSource(source: string, from: string, to: string): string {
  return source.startsWith(`${from}/`) ? `${to}/${source.slice(from.length + 1)}` : source;
}

/**
 * Replaces a stage with `next`. A rename follows through: dependencies, artifact sources
 * and the node position move to the new name.
 */
export function updateStage(doc: EditorDoc, name: string, next: EditorStage): EditorDoc {
  if (!findStage(doc, name)) return doc;
  const renamed = next.name !== name;
  const stages = doc.stages.map((stage) => {
    if (stage.name === name) return next;
    if (!renamed) return stage;
    const dependsOn = stage.dependsOn.map((d) => (d === name ? next.name : d));
    const artifacts = stage.inputs.artifacts.map((a) => ({ ...a, source: renameInSource(a.source, name, next.name) }));
    return { ...stage, dependsOn, inputs: { ...stage.inputs, artifacts } };
  });
  if (!renamed) return { ...doc, stages };
  const { [name]: position, ...positions } = doc.positions;
  return { stages, positions: position ? { ...positions, [next.name]: position } : positions };
}

/** Removes stages and every dependency on them. */
export function removeStages(doc: EditorDoc, names: Iterable<string>): EditorDoc {
  const removed = new Set(names);
  if (removed.size === 0) return doc;
  const stages = doc.stages
    .filter((s) => !removed.has(s.name))
    .map((s) =>
      s.dependsOn.some((d) => removed.has(d)) ? { ...s, dependsOn: s.dependsOn.filter((d) => !removed.has(d)) } : s,
    );
  const positions = Object.fromEntries(Object.entries(doc.positions).filter(([n]) => !removed.has(n)));
  return { stages, positions };
}

export type ConnectRefusal =
  | { reason: 'SELF'; message: string }
  | { reason: 'DUPLICATE'; message: string }
  | { reason: 'UNKNOWN'; message: string }
  | { reason: 'CYCLE'; message: string; path: string[] };

export type ConnectResult = { ok: true; doc: EditorDoc } | ({ ok: false } & ConnectRefusal);

/** A path of existing dependencies from `from` down to `to` (`from → … → to`), if any. */
export function findPath(doc: EditorDoc, from: string, to: string): string[] | undefined {
  const dag = buildDag(doc.stages);
  const previous = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (name === to) {
      const path = [to];
      let step = to;
      while (step !== from) {
        step = previous.get(step) as string;
        path.unshift(step);
      }
      return path;
    }
    for (const next of dag.downstream.get(name) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        previous.set(next, name);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** Why `source → target` cannot be added, or undefined when it can. */
export function checkConnection(doc: EditorDoc, source: string, target: string): ConnectRefusal | undefined {
  const targetStage = findStage(doc, target);
  if (!findStage(doc, source) || !targetStage) {
    return { reason: 'UNKNOWN', message: `"${source}" or "${target}" is not a stage of this workflow` };
  }
  if (source === target) return { reason: 'SELF', message: `stage "${source}" cannot depend on itself` };
  if (targetStage.dependsOn.includes(source)) {
    return { reason: 'DUPLICATE', message: `"${target}" already depends on "${source}"` };
  }
  if (wouldCreateCycle(buildDag(doc.stages), source, target)) {
    const path = findPath(doc, target, source) ?? [target, source];
    return {
      reason: 'CYCLE',
      path: [...path, target],
      message: `"${target}" cannot depend on "${source}": that would make a cycle ${[...path, target].join(' → ')}`,
    };
  }
  return undefined;
}

/** Adds the dependency `source → target` (target depends on source) unless it is refused. */
export function connect(doc: EditorDoc, source: string, target: string): ConnectResult {
  const refusal = checkConnection(doc, source, target);
  if (refusal) return { ok: false, ...refusal };
  const stages = doc.stages.map((s) => (s.name === target ? { ...s, dependsOn: [...s.dependsOn, source] } : s));
  return { ok: true, doc: { ...doc, stages } };
}

/** Removes dependencies given as `{source, target}` pairs. */
export function disconnect(doc: EditorDoc, edges: readonly { source: string; target: string }[]): EditorDoc {
  if (edges.length === 0) return doc;
  const drop = new Map<string, Set<string>>();
  for (const { source, target } of edges) drop.set(target, (drop.get(target) ?? new Set()).add(source));
  const stages = doc.stages.map((s) => {
    const sources = drop.get(s.name);
    return sources ? { ...s, dependsOn: s.dependsOn.filter((d) => !sources.has(d)) } : s;
  });
  return { ...doc, stages };
}

export function moveStages(doc: EditorDoc, moves: Record<string, Point>): EditorDoc {
  return { ...doc, positions: { ...doc.positions, ...moves } };
}

export function setPositions(doc: EditorDoc, positions: Record<string, Point>): EditorDoc {
  return { ...doc, positions };
}

export interface Clipboard {
  stages: EditorStage[];
  positions: Record<string, Point>;
}

/** Copies stages; dependencies are kept only between copied stages. */
export function copyStages(doc: EditorDoc, names: Iterable<string>): Clipboard {
  const picked = new Set(names);
  const stages = doc.stages
    .filter((s) => picked.has(s.name))
    .map((s) => ({ ...s, dependsOn: s.dependsOn.filter((d) => picked.has(d)) }));
  const positions = Object.fromEntries(stages.map((s) => [s.name, doc.positions[s.name] ?? { x: 0, y: 0 }]));
  return { stages, positions };
}

/**
 * Pastes copied stages, renamed where their names are taken (dependencies between them
 * follow the new names), shifted by `offset`. Returns the pasted names.
 */
export function pasteStages(doc: EditorDoc, clipboard: Clipboard, offset: Point): { doc: EditorDoc; names: string[] } {
  const taken = new Set(doc.stages.map((s) => s.name));
  const renames = new Map<string, string>();
  for (const stage of clipboard.stages) {
    const name = uniqueName(taken, stage.name);
    taken.add(name);
    renames.set(stage.name, name);
  }
  const pasted = clipboard.stages.map((s) => ({
    ...s,
    name: renames.get(s.name) as string,
    dependsOn: s.dependsOn.map((d) => renames.get(d) ?? d),
    inputs: {
      ...s.inputs,
      artifacts: s.inputs.artifacts.map((a) => {
        const [from = ''] = a.source.split('/', 1);
        const to = renames.get(from);
        return to ? { ...a, source: renameInSource(a.source, from, to) } : a;
      }),
    },
  }));
  const positions = { ...doc.positions };
  for (const stage of clipboard.stages) {
    const at = clipboard.positions[stage.name] ?? { x: 0, y: 0 };
    positions[renames.get(stage.name) as string] = { x: at.x + offset.x, y: at.y + offset.y };
  }
  return { doc: { stages: [...doc.stages, ...pasted], positions }, names: pasted.map((s) => s.name) };
}

/**
 * The first spot at or below `start` where a node of `size` overlaps no placed node, so
 * stages added one after another line up instead of stacking.
 */
export function freeSpot(
  positions: Record<string, Point>,
  start: Point,
  size: { width: number; height: number },
  gap = 20,
): Point {
  const placed = Object.values(positions);
  const overlaps = (p: Point) =>
    placed.some((q) => Math.abs(q.x - p.x) < size.width + gap && Math.abs(q.y - p.y) < size.height + gap);
  const spot = { ...start };
  for (let tries = 0; tries < 1000 && overlaps(spot); tries++) spot.y += size.height + gap;
  return spot;
}
