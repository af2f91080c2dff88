import type { ApprovalPolicy } from '@cyclone/dag';
import { durationTextToMs, type StageApproval } from '@cyclone/domain';

/** What the planner needs of a gate's approval settings. */
export function approvalPolicy(approval: StageApproval): ApprovalPolicy {
  return {
    count: approval.count,
    onTimeout: approval.onTimeout,
    ...(approval.timeout ? { timeoutMs: durationTextToMs(approval.timeout) } : {}),
  };
}
