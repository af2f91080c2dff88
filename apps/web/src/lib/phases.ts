// Run and stage phases come from the shared domain package (docs/contract.md §2).
export { isStagePhase as isPhase, STAGE_PHASES as PHASES, type StagePhase as Phase } from '@cyclone/domain/core';
