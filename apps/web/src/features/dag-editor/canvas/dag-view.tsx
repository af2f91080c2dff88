'use client';

import '@xyflow/react/dist/style.css';
import { Background, Controls, MiniMap, type NodeMouseHandler, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { useCallback, useMemo } from 'react';
import { useT } from '@/i18n/i18n-provider';
import { layoutStages } from '../layout/layout';
import { NODE_TYPES } from '../nodes/stage-node';
import styles from './canvas.module.css';
import { buildEdges, buildNodes, type DagViewPhase, type DagViewStage } from './graph-elements';
import { initialFitView, LARGE_GRAPH } from './initial-view';

export type { DagViewPhase, DagViewStage };

export interface DagViewProps {
  stages: DagViewStage[];
  /** Stage name → its phase in a run; nodes are coloured by it (UI.md status palette). */
  phases?: Record<string, DagViewPhase>;
  onSelectStage?: (name: string) => void;
}

/** Above this many nodes the mini-map is shown. */
export const MINIMAP_THRESHOLD = 30;

/**
 * Read-only DAG of stages, laid out left to right, as the run view shows it. The layout is
 * computed from the structure only, so phase updates re-render nodes without moving them.
 */
export function DagView({ stages, phases, onSelectStage }: DagViewProps) {
  const t = useT();
  const structureKey = stages.map((s) => `${s.name}<${s.dependsOn.join(',')}`).join('|');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the layout depends on the structure only.
  const positions = useMemo(() => layoutStages(stages), [structureKey]);
  const nodes = useMemo(() => buildNodes(stages, positions, phases), [stages, positions, phases]);
  const edges = useMemo(() => buildEdges(stages, phases), [stages, phases]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the first view is fitted automatically.
  const fitViewOptions = useMemo(() => initialFitView(positions, stages.length), [structureKey]);
  const onNodeClick = useCallback<NodeMouseHandler>((_, node) => onSelectStage?.(node.id), [onSelectStage]);

  return (
    <section className={styles.canvas} aria-label={t('dag.view.label')}>
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          onNodeClick={onNodeClick}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={Boolean(onSelectStage)}
          fitView
          fitViewOptions={fitViewOptions}
          onlyRenderVisibleElements={stages.length > LARGE_GRAPH}
          minZoom={0.1}
        >
          <Background gap={16} size={1} />
          <Controls showInteractive={false} />
          {stages.length > MINIMAP_THRESHOLD ? <MiniMap pannable zoomable /> : null}
        </ReactFlow>
      </ReactFlowProvider>
    </section>
  );
}
