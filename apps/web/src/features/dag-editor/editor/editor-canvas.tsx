'use client';

import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  MiniMap,
  type NodeChange,
  type OnDelete,
  ReactFlow,
  ViewportPortal,
} from '@xyflow/react';
import {
  memo,
  type MouseEvent as ReactMouseEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { useT } from '@/i18n/i18n-provider';
import { MINIMAP_THRESHOLD } from '../canvas/dag-view';
import { buildEdges, matrixBadge, stageNodeGeometry } from '../canvas/graph-elements';
import { initialFitView, initialViewport, LARGE_GRAPH } from '../canvas/initial-view';
import { checkConnection, connect, disconnect, moveStages, removeStages } from '../model/operations';
import type { EditorDoc, EditorStage, Point } from '../model/types';
import type { HealthLabel } from '../nodes/stage-health';
import { NODE_TYPES, type StageNodeData, type StageNodeType } from '../nodes/stage-node';
import { ConnectionLine, RefusalContext } from './connection-line';
import styles from './editor.module.css';
import { useAfterFirstView } from './use-after-first-view';
import type { EditorHistory } from './use-editor-history';

const DELETE_KEYS = ['Delete', 'Backspace'];

interface CachedNode {
  stage: EditorStage;
  hasIssue: boolean;
  health: HealthLabel | undefined;
  data: StageNodeData;
}

export interface EditorCanvasProps {
  editor: EditorHistory;
  issueStages: ReadonlySet<string>;
  selected: ReadonlySet<string>;
  onSelectionChange: (names: Set<string>) => void;
  onOpenStage: (name: string) => void;
  onRefused: (message: string) => void;
  /** Where a stage being added will land: drawn as a dashed ghost node. */
  ghost?: Point;
  /** Stage name → how it fared over recent runs, painted on its node (when asked for). */
  health?: ReadonlyMap<string, HealthLabel>;
}

/** Node data objects are reused while their stage is unchanged, so memoized nodes skip rendering. */
function buildStageNodes(
  doc: EditorDoc,
  issueStages: ReadonlySet<string>,
  cache: { current: Map<string, CachedNode> },
  selected: ReadonlySet<string>,
  healthByStage?: ReadonlyMap<string, HealthLabel>,
): StageNodeType[] {
  const next = new Map<string, CachedNode>();
  const nodes = doc.stages.map((stage): StageNodeType => {
    const hasIssue = issueStages.has(stage.name);
    const health = healthByStage?.get(stage.name);
    const previous = cache.current.get(stage.name);
    const data =
      previous && previous.stage === stage && previous.hasIssue === hasIssue && previous.health === health
        ? previous.data
        : {
            name: stage.name,
            image: stage.image,
            trivial: stage.trivial,
            isFinally: stage.finally,
            when: stage.when?.trim() || undefined,
            approvalCount: stage.approval?.count,
            childWorkflow: stage.workflow?.name,
            delegationType: stage.delegation?.type.trim(),
            delegationUrl: stage.delegation?.url.trim(),
            matrixText: matrixBadge(stage),
            retries: stage.retries,
            hasIssue,
            isEditable: true,
            ...(health ? { healthText: health.text, healthTone: health.tone, healthTitle: health.title } : {}),
          };
    next.set(stage.name, { stage, hasIssue, health, data });
    return {
      id: stage.name,
      type: 'stage',
      ...stageNodeGeometry(),
      position: doc.positions[stage.name] ?? { x: 0, y: 0 },
      data,
      selected: selected.has(stage.name),
    };
  });
  cache.current = next;
  return nodes;
}

/** The editable graph: drag to move, handle to handle to connect, Delete to remove. */
export const EditorCanvas = memo(function EditorCanvas({
  editor,
  issueStages,
  selected,
  onSelectionChange,
  onOpenStage,
  onRefused,
  ghost,
  health,
}: EditorCanvasProps) {
  const t = useT();
  const { doc, apply, latest } = editor;
  const cache = useRef(new Map<string, CachedNode>());
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  // The first nodes are built during the first render: no empty pass before them.
  const [nodes, setNodes] = useState<StageNodeType[]>(() => buildStageNodes(doc, issueStages, cache, selected, health));
  const [edges, setEdges] = useState<Edge[]>(() => buildEdges(doc.stages));
  const built = useRef({ doc, issueStages, health });

  useEffect(() => {
    const last = built.current;
    if (last.doc === doc && last.issueStages === issueStages && last.health === health) return;
    built.current = { doc, issueStages, health };
    setNodes(buildStageNodes(doc, issueStages, cache, selectedRef.current, health));
  }, [doc, issueStages, health]);
  useEffect(() => {
    setNodes((current) => {
      if (current.every((node) => Boolean(node.selected) === selected.has(node.id))) return current;
      return current.map((node) =>
        Boolean(node.selected) === selected.has(node.id) ? node : { ...node, selected: selected.has(node.id) },
      );
    });
  }, [selected]);

  const edgesOf = useRef(doc);
  useEffect(() => {
    if (edgesOf.current === doc) return;
    edgesOf.current = doc;
    setEdges((current) => {
      const wasSelected = new Set(current.filter((e) => e.selected).map((e) => e.id));
      return buildEdges(doc.stages).map((edge) => ({ ...edge, selected: wasSelected.has(edge.id) }));
    });
  }, [doc]);

  const onNodesChange = useCallback(
    (changes: NodeChange<StageNodeType>[]) => {
      // Removal goes through onDelete (one undoable step); the rest is view state.
      const kept = changes.filter((c) => c.type !== 'remove');
      setNodes((current) => applyNodeChanges(kept, current));
      if (kept.some((c) => c.type === 'select')) {
        const next = new Set(selectedRef.current);
        for (const change of kept) {
          if (change.type !== 'select') continue;
          if (change.selected) next.add(change.id);
          else next.delete(change.id);
        }
        onSelectionChange(next);
      }
    },
    [onSelectionChange],
  );

  const onNodeDragStop = useCallback(
    (_: unknown, __: unknown, dragged: StageNodeType[]) => {
      const moves: Record<string, { x: number; y: number }> = {};
      for (const node of dragged) {
        const before = latest.current.positions[node.id];
        if (!before || before.x !== node.position.x || before.y !== node.position.y) moves[node.id] = node.position;
      }
      if (Object.keys(moves).length > 0) apply((d) => moveStages(d, moves));
    },
    [apply, latest],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    setEdges((current) =>
      applyEdgeChanges(
        changes.filter((c) => c.type !== 'remove'),
        current,
      ),
    );
  }, []);

  const onDelete = useCallback<OnDelete<StageNodeType, Edge>>(
    ({ nodes: removedNodes, edges: removedEdges }) => {
      const names = removedNodes.map((n) => n.id);
      apply((d: EditorDoc) => removeStages(disconnect(d, removedEdges), names));
      if (names.length > 0) {
        const next = new Set(selectedRef.current);
        for (const name of names) next.delete(name);
        onSelectionChange(next);
      }
    },
    [apply, onSelectionChange],
  );

  const explain = useCallback(
    (source: string, target: string) => checkConnection(latest.current, source, target),
    [latest],
  );

  const isValidConnection = useCallback(
    (connection: Connection | Edge) => !explain(connection.source, connection.target),
    [explain],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const result = connect(latest.current, connection.source, connection.target);
      if (result.ok) apply(() => result.doc);
      else onRefused(result.message);
    },
    [apply, latest, onRefused],
  );

  const onConnectEnd = useCallback(
    (_: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.fromNode || !state.toNode) return;
      const isFromSource = state.fromHandle?.type !== 'target';
      const [source, target] = isFromSource
        ? [state.fromNode.id, state.toNode.id]
        : [state.toNode.id, state.fromNode.id];
      const refusal = explain(source, target);
      if (refusal) onRefused(refusal.message);
    },
    [explain, onRefused],
  );

  const onNodeClick = useCallback(
    (event: ReactMouseEvent, node: StageNodeType) => {
      if (!event.shiftKey && !event.metaKey && !event.ctrlKey) onOpenStage(node.id);
    },
    [onOpenStage],
  );
  // The mini-map draws every node: after the first view, so that view comes sooner.
  const isAfterFirstView = useAfterFirstView();
  const showMiniMap = doc.stages.length > MINIMAP_THRESHOLD && isAfterFirstView;
  // The first view only: later fits (auto-layout, view switch) are asked for explicitly.
  const [fitViewOptions] = useState(() => initialFitView(doc.positions, doc.stages.length));
  // A large graph starts from a computed viewport (no fit pass): needs the canvas size first.
  const section = useRef<HTMLElement>(null);
  const [isLarge] = useState(() => doc.stages.length > LARGE_GRAPH);
  const [startViewport, setStartViewport] = useState<ReturnType<typeof initialViewport>>();
  const [isSized, setSized] = useState(!isLarge);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the first view only.
  useLayoutEffect(() => {
    if (!isLarge || !section.current) return;
    const box = section.current.getBoundingClientRect();
    setStartViewport(initialViewport(latest.current.positions, latest.current.stages.length, box));
    setSized(true);
  }, []);

  return (
    <RefusalContext.Provider value={explain}>
      <section ref={section} className={styles.canvas} aria-label={t('editor.canvasLabel')}>
        {isSized ? (
          <ReactFlow<StageNodeType, Edge>
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onNodeDragStop={onNodeDragStop}
            onDelete={onDelete}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            onNodeClick={onNodeClick}
            connectionLineComponent={ConnectionLine}
            deleteKeyCode={DELETE_KEYS}
            multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
            selectionKeyCode="Shift"
            fitView={!startViewport}
            fitViewOptions={fitViewOptions}
            defaultViewport={startViewport}
            minZoom={0.05}
            onlyRenderVisibleElements={doc.stages.length > 200}
          >
            <Background gap={16} size={1} />
            <Controls showInteractive={false} />
            {showMiniMap ? <MiniMap pannable zoomable ariaLabel={t('editor.minimap')} /> : null}
            {ghost ? (
              <ViewportPortal>
                <div
                  className={styles.ghost}
                  style={{ transform: `translate(${ghost.x}px, ${ghost.y}px)` }}
                  data-testid="ghost-node"
                  aria-hidden="true"
                >
                  {t('editor.ghost')}
                </div>
              </ViewportPortal>
            ) : null}
          </ReactFlow>
        ) : null}
      </section>
    </RefusalContext.Provider>
  );
});
