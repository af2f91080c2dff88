/**
 * Approval gates, the pure part: what the decisions given on a gate's attempt make of
 * it. The planner (plan.ts) ends a WAITING gate with these; the API shows the same state.
 *
 * Rules:
 * - One decision per member and attempt (the API refuses a second one). A rejection
 *   ends the gate FAILED at once, whatever approvals it had.
 * - `count` distinct approvers end it SUCCEEDED; so the run's starter alone can never
 *   satisfy a gate that needs two or more approvals.
 * - Past `timeout` (from when the gate started waiting) without either, it ends FAILED,
 *   or SKIPPED with `onTimeout: SKIP`.
 * - The approvers' inputs become the gate's outputs: for each name, the value of the
 *   latest approval that gave one.
 */

export interface ApprovalPolicy {
  count: number;
  timeoutMs?: number;
  onTimeout?: 'FAIL' | 'SKIP';
}

export interface ApprovalDecision {
  decision: 'APPROVE' | 'REJECT';
  /** Who decided, as messages name them. */
  email: string;
  comment: string;
  inputs: readonly { name: string; value: string }[];
  at: Date;
}

export type ApprovalState = 'PENDING' | 'APPROVED' | 'REJECTED' | 'TIMED_OUT';

export type ApprovalVerdict =
  | { state: 'PENDING'; dueAt?: Date }
  | { state: 'APPROVED'; message: string; outputs: { key: string; value: string }[] }
  | { state: 'REJECTED'; message: string }
  | { state: 'TIMED_OUT'; message: string; phase: 'FAILED' | 'SKIPPED' };

/** What a gate waiting since `waitingSince` is, given its decisions, at `now`. */
export function judgeApproval(
  policy: ApprovalPolicy,
  decisions: readonly ApprovalDecision[],
  waitingSince: Date,
  now: Date,
): ApprovalVerdict {
  const rejection = decisions.find((decision) => decision.decision === 'REJECT');
  if (rejection) {
    const why = rejection.comment.trim() === '' ? '' : `: ${rejection.comment.trim()}`;
    return { state: 'REJECTED', message: `rejected by ${rejection.email}${why}` };
  }
  const approvals = [...decisions]
    .filter((decision) => decision.decision === 'APPROVE')
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  if (approvals.length >= policy.count) {
    return {
      state: 'APPROVED',
      message: `approved by ${approvals.map((approval) => approval.email).join(', ')}`,
      outputs: approvalOutputs(approvals),
    };
  }
  if (policy.timeoutMs === undefined) return { state: 'PENDING' };
  const dueAt = new Date(waitingSince.getTime() + policy.timeoutMs);
  if (now < dueAt) return { state: 'PENDING', dueAt };
  const missing = `${approvals.length} of ${policy.count} approvals`;
  return policy.onTimeout === 'SKIP'
    ? { state: 'TIMED_OUT', phase: 'SKIPPED', message: `skipped: approval timed out with ${missing}` }
    : { state: 'TIMED_OUT', phase: 'FAILED', message: `approval timed out with ${missing}` };
}

/** For each input name, the value of the latest approval that gave it (approvals oldest first). */
function approvalOutputs(approvals: readonly ApprovalDecision[]): { key: string; value: string }[] {
  const values = new Map<string, string>();
  for (const approval of approvals) for (const input of approval.inputs) values.set(input.name, input.value);
  return [...values].map(([key, value]) => ({ key, value }));
}

/** The message of a gate that starts waiting. */
export function approvalWaitingMessage(policy: ApprovalPolicy): string {
  return policy.count === 1 ? 'waiting for an approval' : `waiting for ${policy.count} approvals`;
}
