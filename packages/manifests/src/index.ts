export { type ParseResult, parseManifests } from './parse.js';
export { printManifests } from './print.js';
export { workflowStagePaths } from './stage-paths.js';
export {
  ANNOTATIONS,
  API_VERSION,
  formatManifestError,
  LABELS,
  MANIFEST_KINDS,
  type Manifest,
  type ManifestError,
  type ManifestKind,
  type StageTemplateMeta,
  type WorkflowManifestSpec,
  type WorkflowRunManifestSpec,
  type WorkflowStageRef,
} from './types.js';
export { joinWorkflow, splitWorkflow } from './workflow.js';
export {
  NOTIFICATION_POLICIES,
  NOTIFICATION_RECEIVER_TYPES,
  type WorkflowNotificationSpec,
} from './workflow-notification.js';
