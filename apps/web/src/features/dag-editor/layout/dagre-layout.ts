import dagre from '@dagrejs/dagre';
import { type LayoutStage, MARGIN, NODE_GAP, NODE_HEIGHT, NODE_WIDTH, type Point, RANK_GAP } from './layout';

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
