import { type ApprovalDecision, type ApprovalState, judgeApproval } from '@cyclone/dag';
import type { StageApproval } from '@cyclone/domain';
import type { Db } from '../../db/prisma.js';
import { approvalPolicy } from './approval-policy.js';

/** One member's decision on a gate, as GraphQL shows it. */
export interface ApprovalDecisionView {
  userId: string;
  email: string;
  decision: 'APPROVE' | 'REJECT';
  comment: string;
  inputs: { name: string; value: string }[];
  at: Date;
}

/** An approval gate's settings, state and the decisions on its current attempt. */
export interface StageApprovalView extends StageApproval {
  state: ApprovalState;
  /** When it times out, while it waits with a timeout. */
  dueAt: Date | null;
  /** The decisions on its current attempt, oldest first (GraphQL: approvals). */
  approvals: ApprovalDecisionView[];
}

/** The decisions on the given runs' gates, on any attempt, oldest first (one query). */
export async function readDecisionRows(db: Db, runIds: readonly string[]) {
  if (runIds.length === 0) return [];
  return db.stageApproval.findMany({
    where: { runId: { in: [...runIds] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

type DecisionRow = Awaited<ReturnType<typeof readDecisionRows>>[number];

/** What a gate is, from its settings, its stage row and the decisions on the run. */
export function approvalView(
  approval: StageApproval,
  row: { stage: string; phase: string; attempt: number; startedAt: Date | null; finishedAt: Date | null },
  rows: readonly DecisionRow[],
  now: Date,
): StageApprovalView {
  const decisions: ApprovalDecisionView[] = rows
    .filter((decision) => decision.stage === row.stage && decision.attempt === row.attempt && row.attempt > 0)
    .map((decision) => ({
      userId: decision.userId,
      email: decision.userEmail,
      decision: decision.decision,
      comment: decision.comment,
      inputs: Array.isArray(decision.inputs) ? (decision.inputs as { name: string; value: string }[]) : [],
      at: decision.createdAt,
    }));
  // A succeeded gate was approved, here or in the run a retry reused it from (its decisions stay with that run).
  if (row.phase === 'SUCCEEDED') return { ...approval, state: 'APPROVED', dueAt: null, approvals: decisions };
  if (row.phase === 'PENDING' || row.startedAt === null) {
    return { ...approval, state: 'PENDING', dueAt: null, approvals: decisions };
  }
  const judged: ApprovalDecision[] = decisions;
  // An ended gate is judged as it stood when it ended: a stop before its timeout leaves it PENDING.
  const verdict = judgeApproval(approvalPolicy(approval), judged, row.startedAt, row.finishedAt ?? now);
  const dueAt = verdict.state === 'PENDING' && row.phase === 'WAITING' ? (verdict.dueAt ?? null) : null;
  return { ...approval, state: verdict.state, dueAt, approvals: decisions };
}
