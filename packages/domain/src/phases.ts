/** Phases of a workflow run (docs/contract.md §2). WAITING means paused or queued. */
export const RUN_PHASES = ['PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** Stage phases are the run phases plus SKIPPED (an upstream stage failed or was cancelled). */
export const STAGE_PHASES = [...RUN_PHASES, 'SKIPPED'] as const;
export type StagePhase = (typeof STAGE_PHASES)[number];

const TERMINAL_PHASES: ReadonlySet<StagePhase> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED']);

export function isTerminalPhase(phase: StagePhase): boolean {
  return TERMINAL_PHASES.has(phase);
}

export function isStagePhase(value: unknown): value is StagePhase {
  return typeof value === 'string' && (STAGE_PHASES as readonly string[]).includes(value);
}
