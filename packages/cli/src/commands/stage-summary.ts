/** A run as the stage commands (approve, reject, complete) get it back: enough to say how the stage stands. */
export interface StageOutcome {
  number: number;
  workflow: { name: string };
  stages: readonly {
    name: string;
    phase: string;
    approval?: { state: string; count: number; approvals: readonly { decision: string }[] } | null;
  }[];
}

/** "stage sign-off of run #3 of release: 1 of 2 approvals, waiting", "stage deploy of run #4 of ci: SUCCEEDED". */
export function stageSummary(run: StageOutcome, stage: string): string {
  const found = run.stages.find((candidate) => candidate.name === stage);
  const approval = found?.approval;
  const where = `stage ${stage} of run #${run.number} of ${run.workflow.name}`;
  if (!approval) return `${where}: ${found?.phase ?? 'unknown'}\n`;
  const approvals = approval.approvals.filter((decision) => decision.decision === 'APPROVE').length;
  const state =
    approval.state === 'PENDING'
      ? `${approvals} of ${approval.count} approvals, waiting`
      : approval.state.toLowerCase();
  return `${where}: ${state}\n`;
}
