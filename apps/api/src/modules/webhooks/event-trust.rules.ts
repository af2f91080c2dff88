import type { EventSender, ScmEvent } from './scm-event.js';

/**
 * Who may run a pipeline with the tenant's secrets. A push or a tag needs write access
 * to the repository, so its runs start at once. A pull request's changes (and, with
 * `workflowFromRevision`, its stages) are written by its author: from a fork, or by
 * someone GitHub says is not a member, its run waits until a tenant member approves it
 * (approveWorkflowRun), like GitHub Actions' and Pipelines-as-Code's outside
 * contributors. A comment trigger fires only for a commenter with write access or on
 * the trigger's allow list; such a commenter vouches for the run, which then starts.
 */

/** GitHub's author_association values of people with a standing in the repository. */
const MEMBER_ASSOCIATIONS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

/** Why a run of this event must wait for a member's approval; undefined when it may start at once. */
export function approvalReasonOf(event: ScmEvent): string | undefined {
  if (event.kind !== 'pull_request') return undefined;
  const pr = event.pullRequest;
  const by = event.sender?.login ? ` by ${event.sender.login}` : '';
  if (pr?.isFork !== false) {
    return pr?.isFork && pr.sourceRepo
      ? `pull request #${pr.number}${by} comes from the fork ${pr.sourceRepo}`
      : `pull request #${pr?.number ?? '?'}${by} comes from a repository the delivery does not name`;
  }
  const association = event.sender?.association;
  if (association !== undefined && !MEMBER_ASSOCIATIONS.has(association.toUpperCase())) {
    return `pull request #${pr.number}${by}, who is not a member of ${event.repo} (${association})`;
  }
  return undefined;
}

/** Whether the commenter is on the trigger's allow list (names compare without case). */
export function isAllowListed(allowed: readonly string[] | undefined, sender: EventSender | undefined): boolean {
  const login = sender?.login.trim().toLowerCase();
  return !!login && (allowed ?? []).some((name) => name.trim().toLowerCase() === login);
}

/**
 * GitHub only: whether the payload already shows the commenter has no standing in the
 * repository (then the server is not asked about write access).
 */
export function isOutsiderByAssociation(sender: EventSender | undefined): boolean {
  return sender?.association !== undefined && !MEMBER_ASSOCIATIONS.has(sender.association.toUpperCase());
}
