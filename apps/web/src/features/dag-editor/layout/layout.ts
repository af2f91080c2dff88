import { buildDag, levels } from '@cyclone/dag';
import dagre from '@dagrejs/dagre';

export interface Point {
  x: number;
  y: number;
}

/** Node box used for layout and rendering (the node CSS keeps the same size). */
export const NODE_WIDTH = 208;
export const NODE_HEIGHT = 60;

interface LayoutStage {
  name: string;
  dependsOn: readonly string[];
}

const RANK_GAP = 72;
const NODE_GAP = 28;
const MARGIN = 16;

/** Above this many stages dagre's crossing minimisation gets too slow (seconds); see layeredLayout. */
export const DAGRE_MAX_STAGES = 50;

/**
 * Left-to-right layered layout of the stages; returns the top-left corner of each node.
 * Dependencies on unknown stages are ignored so a half-edited graph still lays out.
 */
export function layoutStages(stages: readonly LayoutStage[]): Record<string, Point> {
  return stages.length > DAGRE_MAX_STAGES ? layeredLayout(stages) : dagreLayout(stages);
}

/** dagre (network-simplex ranking, crossing minimisation): the nicest result for small graphs. */
export function dagreLayout(stages: readonly LayoutStage[]): Record<string, Point> {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: NODE_GAP, ranksep: RANK_GAP, marginx: MARGIN, marginy: MARGIN });
  graph.setDefaultEdgeLabel(() => ({}));
  const names = new Set(stages.map((s) => s.name));
  for (const stage of stages) graph.setNode(stage.name, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const stage of stages) {
    for (const dep of stage.dependsOn) if (names.has(dep) && dep !== stage.name) graph.setEdge(dep, stage.name);
  }
  dagre.layout(graph);
  const positions: Record<string, Point> = {};
  for (const stage of stages) {
    const node = graph.node(stage.name) as { x: number; y: number } | undefined;
    positions[stage.name] = node
      ? { x: Math.round(node.x - NODE_WIDTH / 2), y: Math.round(node.y - NODE_HEIGHT / 2) }
      : { x: 0, y: 0 };
  }
  return positions;
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
