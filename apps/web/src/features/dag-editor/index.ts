// The shared DAG renderer: the editor and the run view draw the same nodes.
export {
  DagView,
  type DagViewChanges,
  type DagViewPhase,
  type DagViewProps,
  type DagViewStage,
  MINIMAP_THRESHOLD,
} from './canvas/dag-view';
