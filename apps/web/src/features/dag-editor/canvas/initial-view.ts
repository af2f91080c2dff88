import type { FitViewOptions } from '@xyflow/react';
import type { Point } from '../layout/layout';

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
