import { type Edge, type NodeHandle, Position } from '@xyflow/react';
import { NODE_HEIGHT, NODE_WIDTH, type Point } from '../layout/layout';
import type { StageNodeData, StageNodeType } from '../nodes/stage-node';

export interface DagViewStage {
  name: string;
  image?: string;
  dependsOn: string[];
  trivial?: boolean;
  /** A finally stage: drawn apart. */
  finally?: boolean;
  /** Its condition, shown on the node. */
  when?: string | null;
  /** An approval gate: drawn as one, with the approvals it needs. */
  approval?: { count: number } | null;
  /** A child-workflow stage: the workflow it runs, in place of an image. */
  workflow?: { name: string } | null;
  /** A delegated stage: the system it hands its work to and where. */
  delegation?: { type: string; url: string } | null;
  /** A matrix stage: its axes (or matrixFrom), counted on a badge. */
  matrix?: readonly { values: readonly string[] }[] | null;
  matrixFrom?: string | null;
}

export interface DagViewPhase {
  phase: string;
  attempt?: number;
  startedAt?: string;
  finishedAt?: string;
  /** Why it ended so, shown on the node (a skipped stage's reason). */
  reason?: string;
  /** A matrix stage in a run: its combinations ended out of all, e.g. "2/4". */
  matrixProgress?: string;
}

/** A matrix stage's badge: its combinations (`×4`), `×?` until a matrixFrom list is read; undefined for others. */
export function matrixBadge(stage: Pick<DagViewStage, 'matrix' | 'matrixFrom'>): string | undefined {
  if (stage.matrixFrom) return '×?';
  if (!stage.matrix?.length) return undefined;
  return `×${stage.matrix.reduce((size, axis) => size * axis.values.length, 1)}`;
}

/** Edge id for `source → target` (target depends on source). */
export function edgeId(source: string, target: string): string {
  return `${source}->${target}`;
}

/** Edges of the stages; those whose upstream stage runs are animated. */
export function buildEdges(
  stages: readonly DagViewStage[],
  phases?: Record<string, DagViewPhase>,
  extra?: (source: string, target: string) => Partial<Edge>,
): Edge[] {
  const names = new Set(stages.map((s) => s.name));
  const edges: Edge[] = [];
  for (const stage of stages) {
    for (const dep of stage.dependsOn) {
      if (!names.has(dep)) continue;
      edges.push({
        id: edgeId(dep, stage.name),
        source: dep,
        target: stage.name,
        animated: phases?.[dep]?.phase === 'RUNNING',
        ...extra?.(dep, stage.name),
      });
    }
  }
  return edges;
}

const HANDLE_SIZE = 10;
/**
 * A stage node's size and handles (left and right middle, as the node CSS puts them),
 * known before the node is drawn. Without them React Flow draws every node once just to
 * measure it, even with onlyRenderVisibleElements (hundreds of nodes nobody sees), and a
 * node object built anew (after a layout, an edit) counts as unmeasured until the
 * ResizeObserver, which sees no change, reports it: fitView then waits forever. The node
 * CSS has this fixed size, so declaring it is exact.
 */
export const stageNodeGeometry = () => ({
  measured: { width: NODE_WIDTH, height: NODE_HEIGHT },
  handles: STAGE_HANDLES,
});

const STAGE_HANDLES: NodeHandle[] = [
  {
    // null as in the DOM (no handle id): React Flow finds handles by `<node>-<id>-<type>`.
    id: null,
    type: 'target',
    position: Position.Left,
    x: -HANDLE_SIZE / 2,
    y: (NODE_HEIGHT - HANDLE_SIZE) / 2,
    width: HANDLE_SIZE,
    height: HANDLE_SIZE,
  },
  {
    id: null,
    type: 'source',
    position: Position.Right,
    x: NODE_WIDTH - HANDLE_SIZE / 2,
    y: (NODE_HEIGHT - HANDLE_SIZE) / 2,
    width: HANDLE_SIZE,
    height: HANDLE_SIZE,
  },
];

export function buildNodes(
  stages: readonly DagViewStage[],
  positions: Record<string, Point>,
  phases?: Record<string, DagViewPhase>,
  extraData?: (stage: DagViewStage) => Partial<StageNodeData>,
): StageNodeType[] {
  return stages.map((stage) => {
    const phase = phases?.[stage.name];
    return {
      id: stage.name,
      type: 'stage',
      ...stageNodeGeometry(),
      position: positions[stage.name] ?? { x: 0, y: 0 },
      data: {
        name: stage.name,
        image: stage.image,
        trivial: stage.trivial,
        isFinally: stage.finally,
        when: stage.when ?? undefined,
        approvalCount: stage.approval?.count,
        childWorkflow: stage.workflow?.name,
        delegationType: stage.delegation?.type,
        delegationUrl: stage.delegation?.url,
        matrixText: phase?.matrixProgress ?? matrixBadge(stage),
        phase: phase?.phase,
        reason: phase?.reason,
        attempt: phase?.attempt,
        startedAt: phase?.startedAt,
        finishedAt: phase?.finishedAt,
        ...extraData?.(stage),
      },
    };
  });
}
