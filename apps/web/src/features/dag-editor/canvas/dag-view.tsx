'use client';

import '@xyflow/react/dist/style.css';
import {
  Background,
  Controls,
  type Edge,
  MiniMap,
  type NodeMouseHandler,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useT } from '@/i18n/i18n-provider';
import { useAfterFirstView } from '../editor/use-after-first-view';
import { isDagreLoaded, layoutStages, preloadDagre, wantsDagre } from '../layout/layout';
import { NODE_TYPES, type StageNodeData, type StageNodeType } from '../nodes/stage-node';
import styles from './canvas.module.css';
import { buildEdges, buildNodes, type DagViewPhase, type DagViewStage, edgeId } from './graph-elements';
import { initialFitView, initialViewport, LARGE_GRAPH } from './initial-view';

export type { DagViewPhase, DagViewStage };

export interface DagViewProps {
  stages: DagViewStage[];
  /** Stage name → its phase in a run; nodes are coloured by it (UI.md status palette). */
  phases?: Record<string, DagViewPhase>;
  onSelectStage?: (name: string) => void;
  /** Stages of the run's critical path, first to last: drawn in the accent colour. */
  criticalPath?: readonly string[];
  /** Two versions compared: how each stage and edge changed (colours and dashes). */
  changes?: DagViewChanges;
}

export interface DagViewChanges {
  stages: ReadonlyMap<string, { kind: 'added' | 'removed' | 'changed' | 'same' }>;
  edges: ReadonlyMap<string, 'added' | 'removed'>;
}

/** Above this many nodes the mini-map is shown. */
export const MINIMAP_THRESHOLD = 30;

/**
 * Read-only DAG of stages, laid out left to right, as the run view shows it. The layout is
 * computed from the structure only, so phase updates re-render nodes without moving them.
 */
export const DagView = memo(function DagView({ stages, phases, onSelectStage, criticalPath, changes }: DagViewProps) {
  const t = useT();
  const structureKey = stages.map((s) => `${s.name}<${s.dependsOn.join(',')}`).join('|');
  // Small graphs are laid out with dagre, a chunk of its own: wait for it rather than jump.
  const [isDagreReady, setDagreReady] = useState(isDagreLoaded);
  const needsDagre = wantsDagre(stages.length) && !isDagreReady;
  useEffect(() => {
    if (needsDagre) void preloadDagre().then(() => setDagreReady(true));
  }, [needsDagre]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the layout depends on the structure only.
  const positions = useMemo(() => layoutStages(stages), [structureKey, isDagreReady]);
  const critical = useMemo(() => criticalSets(criticalPath), [criticalPath]);
  const built = useMemo(
    () =>
      buildNodes(stages, positions, phases, (stage) => ({
        isCritical: critical.stages.has(stage.name),
        change: changeOf(changes, stage.name),
      })),
    [stages, positions, phases, critical, changes],
  );
  const nodes = useStableNodes(built);
  const edges = useStableEdges(
    useMemo(
      () =>
        buildEdges(stages, phases, (source, target) => {
          const id = edgeId(source, target);
          const className = [critical.edges.has(id) ? 'critical' : '', changes?.edges.get(id) ?? ''].join(' ').trim();
          return className ? { className } : {};
        }),
      [stages, phases, critical, changes],
    ),
  );
  // The mini-map draws every node: after the first view, so that view comes sooner.
  const isAfterFirstView = useAfterFirstView();
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the first view is fitted automatically.
  const fitViewOptions = useMemo(() => initialFitView(positions, stages.length), [structureKey]);
  const onNodeClick = useCallback<NodeMouseHandler>((_, node) => onSelectStage?.(node.id), [onSelectStage]);
  // A large graph starts from a viewport computed from the canvas size: no fit pass.
  const section = useRef<HTMLElement>(null);
  const [start, setStart] = useState<{ viewport?: ReturnType<typeof initialViewport> }>();
  const isLarge = stages.length > LARGE_GRAPH;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the first view only.
  useLayoutEffect(() => {
    if (start || needsDagre || !section.current) return;
    const box = section.current.getBoundingClientRect();
    setStart({ viewport: isLarge ? initialViewport(positions, stages.length, box) : undefined });
  }, [needsDagre]);

  if (needsDagre) return <section className={styles.canvas} aria-label={t('dag.view.label')} aria-busy="true" />;
  return (
    <section ref={section} className={styles.canvas} aria-label={t('dag.view.label')}>
      {start ? (
        <ReactFlowProvider>
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodeClick={onNodeClick}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={Boolean(onSelectStage)}
            fitView={!start.viewport}
            fitViewOptions={fitViewOptions}
            defaultViewport={start.viewport}
            onlyRenderVisibleElements={stages.length > LARGE_GRAPH}
            minZoom={0.1}
          >
            <Background gap={16} size={1} />
            <Controls showInteractive={false} />
            {stages.length > MINIMAP_THRESHOLD && isAfterFirstView ? <MiniMap pannable zoomable /> : null}
          </ReactFlow>
        </ReactFlowProvider>
      ) : null}
    </section>
  );
});

/** A stage's change between two versions, when it changed. */
function changeOf(changes: DagViewChanges | undefined, stage: string) {
  const kind = changes?.stages.get(stage)?.kind;
  return kind && kind !== 'same' ? kind : undefined;
}

/** The stages of a critical path and the edges between its neighbours. */
function criticalSets(path: readonly string[] = []) {
  return {
    stages: new Set(path),
    edges: new Set(path.slice(1).map((stage, index) => edgeId(path[index] as string, stage))),
  };
}

const sameData = (a: StageNodeData, b: StageNodeData) => {
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((key) => a[key] === b[key]);
};

/**
 * Keeps each node object while its data and position are unchanged, so one stage changing
 * phase re-renders that node only (the nodes are memoized), not all of a 200-stage graph.
 */
function useStableNodes(nodes: StageNodeType[]): StageNodeType[] {
  const previous = useRef(new Map<string, StageNodeType>());
  return useMemo(() => {
    const next = new Map<string, StageNodeType>();
    const result = nodes.map((node) => {
      const old = previous.current.get(node.id);
      const kept =
        old && old.position.x === node.position.x && old.position.y === node.position.y && sameData(old.data, node.data)
          ? old
          : node;
      next.set(node.id, kept);
      return kept;
    });
    previous.current = next;
    return result;
  }, [nodes]);
}

/** Keeps each edge object while it is unchanged (same ends, same animation). */
function useStableEdges(edges: Edge[]): Edge[] {
  const previous = useRef(new Map<string, Edge>());
  return useMemo(() => {
    const next = new Map<string, Edge>();
    const result = edges.map((edge) => {
      const old = previous.current.get(edge.id);
      const kept = old && old.animated === edge.animated && old.className === edge.className ? old : edge;
      next.set(edge.id, kept);
      return kept;
    });
    previous.current = next;
    return result;
  }, [edges]);
}
