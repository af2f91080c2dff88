import { buildDag, levels } from '@cyclone/dag';

export interface Point {
  x: number;
  y: number;
}

/** Node box used for layout and rendering (the node CSS keeps the same size). */
export const NODE_WIDTH = 208;
export const NODE_HEIGHT = 60;

export interface LayoutStage {
  name: string;
  dependsOn: readonly string[];
}

export const RANK_GAP = 72;
export const NODE_GAP = 28;
export const MARGIN = 16;

/** Above this many stages dagre's crossing minimisation gets too slow (seconds); see layeredLayout. */
export const DAGRE_MAX_STAGES = 50;

type DagreLayout = typeof import('./dagre-layout').dagreLayout;
let dagreLayout: DagreLayout | undefined;

/**
 * dagre is its own chunk (~25 kB gzip): loaded only for graphs small enough to use it, so a
 * large workflow or an empty new one never downloads it. Resolves once it can be used.
 */
export function preloadDagre(): Promise<void> {
  if (dagreLayout) return Promise.resolve();
  return import('./dagre-layout').then((module) => {
    dagreLayout = module.dagreLayout;
  });
}

export function isDagreLoaded(): boolean {
  return dagreLayout !== undefined;
}

/** Whether a graph of this size is laid out with dagre (then preloadDagre first). */
export function wantsDagre(count: number): boolean {
  return count > 0 && count <= DAGRE_MAX_STAGES;
}

/**
 * Left-to-right layered layout of the stages; returns the top-left corner of each node.
 * Dependencies on unknown stages are ignored so a half-edited graph still lays out.
 * Small graphs use dagre once preloadDagre has resolved (the linear layout until then).
 */
export function layoutStages(stages: readonly LayoutStage[]): Record<string, Point> {
  return wantsDagre(stages.length) && dagreLayout ? dagreLayout(stages) : layeredLayout(stages);
}

/**
 * A linear-time layered layout for large graphs: columns by dependency depth, rows ordered
 * by the barycentre of each stage's upstream stages (one pass down), columns centred.
 */
export function layeredLayout(stages: readonly LayoutStage[]): Record<string, Point> {
  const dag = buildDag(stages.map((s) => ({ name: s.name, dependsOn: s.dependsOn })));
  const columns = levels(dag);
  const placed = new Set(columns.flat());
  // Stages in a cycle never become ready: give them a column of their own at the end.
  const rest = dag.names.filter((name) => !placed.has(name));
  if (rest.length > 0) columns.push(rest);

  const row = new Map<string, number>();
  for (const [index, column] of columns.entries()) {
    if (index > 0) {
      const barycentre = new Map(
        column.map((name) => {
          const ups = (dag.upstream.get(name) ?? []).filter((up) => row.has(up));
          const mean = ups.length ? ups.reduce((sum, up) => sum + (row.get(up) as number), 0) / ups.length : 0;
          return [name, mean] as const;
        }),
      );
      column.sort((a, b) => (barycentre.get(a) as number) - (barycentre.get(b) as number));
    }
    for (const [position, name] of column.entries()) row.set(name, position);
  }

  const tallest = Math.max(...columns.map((c) => c.length));
  const positions: Record<string, Point> = {};
  for (const [index, column] of columns.entries()) {
    const offset = ((tallest - column.length) * (NODE_HEIGHT + NODE_GAP)) / 2;
    for (const [position, name] of column.entries()) {
      positions[name] = {
        x: MARGIN + index * (NODE_WIDTH + RANK_GAP),
        y: Math.round(MARGIN + offset + position * (NODE_HEIGHT + NODE_GAP)),
      };
    }
  }
  for (const stage of stages) positions[stage.name] ??= { x: MARGIN, y: MARGIN };
  return positions;
}
