import type { Edge } from '@xyflow/react';
import type { Point } from '../layout/layout';
import type { StageNodeData, StageNodeType } from '../nodes/stage-node';

export interface DagViewStage {
  name: string;
  image?: string;
  dependsOn: string[];
  trivial?: boolean;
}

export interface DagViewPhase {
  phase: string;
  attempt?: number;
  startedAt?: string;
  finishedAt?: string;
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
      position: positions[stage.name] ?? { x: 0, y: 0 },
      data: {
        name: stage.name,
        image: stage.image,
        trivial: stage.trivial,
        phase: phase?.phase,
        attempt: phase?.attempt,
        startedAt: phase?.startedAt,
        finishedAt: phase?.finishedAt,
        ...extraData?.(stage),
      },
    };
  });
}
