export {
  type AdmissionPlan,
  type AdmissionState,
  approvalWaitMessage,
  planAdmission,
  type QueuedRun,
  type RunWait,
  type WaitKind,
} from './admission.js';
export {
  type ApprovalDecision,
  type ApprovalPolicy,
  type ApprovalState,
  type ApprovalVerdict,
  approvalWaitingMessage,
  judgeApproval,
} from './approval.js';
export { buildDag } from './build.js';
export {
  type ConditionContext,
  type ConditionFacts,
  type ConditionResult,
  type ConditionStage,
  type ConditionTrigger,
  checkCondition,
  EMPTY_TRIGGER,
  evaluateCondition,
  MAX_CONDITION_LENGTH,
} from './condition.js';
export { criticalPath, type TimedStage } from './critical-path.js';
export { findCycles, wouldCreateCycle } from './cycles.js';
export { type GraphFieldNames, type GraphStageRef, type LocatedDagIssue, locateDagIssues } from './locate.js';
export {
  type CombinationOutcome,
  combinationStage,
  type FanOut,
  fanOut,
  type PlanMatrix,
  settleMatrix,
} from './matrix.js';
export { levels, readyStages, upstreamClosure } from './order.js';
export {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  backoffMs,
  isTerminalRunPhase,
  nextRetryAt,
  type PlanExpand,
  type PlanFinish,
  type PlanKill,
  type PlanRunPhase,
  type PlanRunState,
  type PlanStage,
  type PlanStagePhase,
  type PlanStageState,
  type PlanStart,
  type PlanWait,
  planRun,
  type RunPlan,
} from './plan.js';
export { reusableStages } from './reuse.js';
export { selectStages } from './subgraph.js';
export type { Dag, DagIssue, DagStage } from './types.js';
export { validateDag } from './validate.js';
