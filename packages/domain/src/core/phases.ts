/** Phases of a workflow run (docs/contract.md §2). WAITING means paused or queued. */
export const RUN_PHASES = ['PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** Stage phases are the run phases plus SKIPPED (an upstream stage failed or was cancelled). */
export const STAGE_PHASES = [...RUN_PHASES, 'SKIPPED'] as const;
export type StagePhase = (typeof STAGE_PHASES)[number];

/** A run in one of these phases has ended: nothing about it changes any more. */
export const TERMINAL_RUN_PHASES = ['SUCCEEDED', 'FAILED', 'CANCELLED'] as const satisfies readonly RunPhase[];
/** A stage in one of these phases has ended (for now: a retry may start it again). */
export const TERMINAL_STAGE_PHASES = [...TERMINAL_RUN_PHASES, 'SKIPPED'] as const satisfies readonly StagePhase[];

const TERMINAL_RUN: ReadonlySet<string> = new Set(TERMINAL_RUN_PHASES);
const TERMINAL_STAGE: ReadonlySet<string> = new Set(TERMINAL_STAGE_PHASES);

/** True for SUCCEEDED, FAILED and CANCELLED (a string, so stored enums and GraphQL values pass as they are). */
export function isTerminalRunPhase(phase: string): boolean {
  return TERMINAL_RUN.has(phase);
}

/** True for a stage phase that has ended: the terminal run phases and SKIPPED (a string, as isTerminalRunPhase). */
export function isTerminalPhase(phase: string): boolean {
  return TERMINAL_STAGE.has(phase);
}

export function isStagePhase(value: unknown): value is StagePhase {
  return typeof value === 'string' && (STAGE_PHASES as readonly string[]).includes(value);
}
