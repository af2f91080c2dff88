import { type FitViewOptions, getViewportForBounds, type Viewport } from '@xyflow/react';
import { NODE_HEIGHT, NODE_WIDTH, type Point } from '../layout/layout';

/** Beyond this many stages the first view shows the start of the graph, not all of it. */
export const LARGE_GRAPH = 150;
/** How far right of the leftmost column the first view of a large graph reaches (flow px). */
const FIRST_VIEW_WIDTH = 1400;

/**
 * Fit options for the first view: the whole graph when it is small; for a large one, its
 * first columns at a readable zoom (the mini-map shows the rest). Rendering every node of a
 * 500-stage graph at 5% zoom costs seconds and shows nothing legible.
 */
export function initialFitView(positions: Record<string, Point>, count: number): FitViewOptions {
  if (count <= LARGE_GRAPH) return { padding: 0.2, maxZoom: 1.2 };
  const entries = Object.entries(positions);
  const minX = Math.min(...entries.map(([, p]) => p.x));
  const nodes = entries.filter(([, p]) => p.x <= minX + FIRST_VIEW_WIDTH).map(([id]) => ({ id }));
  return { padding: 0.1, maxZoom: 1, minZoom: 0.4, nodes };
}

/**
 * The first view of a large graph as a viewport, computed from the known node size: it
 * needs no measuring pass, so the first render already draws only the nodes it shows
 * (fitView would render, measure, then move and render again).
 */
export function initialViewport(
  positions: Record<string, Point>,
  count: number,
  size: { width: number; height: number },
): Viewport | undefined {
  const options = initialFitView(positions, count);
  if (!options.nodes || size.width === 0 || size.height === 0) return undefined;
  const chosen = options.nodes.map((n) => positions[n.id]).filter((p): p is Point => Boolean(p));
  if (chosen.length === 0) return undefined;
  const minX = Math.min(...chosen.map((p) => p.x));
  const minY = Math.min(...chosen.map((p) => p.y));
  const maxX = Math.max(...chosen.map((p) => p.x + NODE_WIDTH));
  const maxY = Math.max(...chosen.map((p) => p.y + NODE_HEIGHT));
  return getViewportForBounds(
    { x: minX, y: minY, width: maxX - minX, height: maxY - minY },
    size.width,
    size.height,
    options.minZoom ?? 0.4,
    options.maxZoom ?? 1,
    options.padding ?? 0.1,
  );
}
