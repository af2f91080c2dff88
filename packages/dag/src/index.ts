export { buildDag } from './build.js';
export { findCycles, wouldCreateCycle } from './cycles.js';
export { levels, readyStages, upstreamClosure } from './order.js';
export type { Dag, DagIssue, DagStage } from './types.js';
export { validateDag } from './validate.js';
