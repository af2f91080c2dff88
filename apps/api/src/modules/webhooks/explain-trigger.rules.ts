import { isSameRepo, matchesGlob, type ScmTriggerSettings } from './match-triggers.js';
import type { ScmEvent } from './scm-event.js';

/** Why a trigger would or would not start a run for an event (simulateTrigger, replayWebhookDelivery). */
export interface TriggerVerdict {
  wouldStart: boolean;
  reason: string;
}

const list = (patterns: string[]) => patterns.join(', ');

/**
 * The same decision as matchesTrigger, with the reason in words: the first rule that
 * refuses the event, or what matched. Commenter permission and approval come after
 * (explain-triggers.ts).
 */
export function explainScmMatch(scm: ScmTriggerSettings, event: ScmEvent): TriggerVerdict {
  if (!isSameRepo(scm.repo, event.repo)) {
    return { wouldStart: false, reason: `repository ${event.repo} is not ${scm.repo}` };
  }
  switch (event.kind) {
    case 'push': {
      const branch = event.branch ?? '';
      if (!scm.push) return { wouldStart: false, reason: 'the trigger does not start on pushes' };
      if (!matchesGlob(scm.push.branches, branch)) {
        return { wouldStart: false, reason: `branch ${branch} does not match ${list(scm.push.branches)}` };
      }
      return {
        wouldStart: true,
        reason:
          scm.push.branches.length === 0
            ? `a push to ${branch} (the trigger takes every branch)`
            : `branch ${branch} matches ${list(scm.push.branches)}`,
      };
    }
    case 'tag':
      return scm.tagRelease
        ? { wouldStart: true, reason: `tag ${event.tag ?? ''} (the trigger starts on every tag)` }
        : { wouldStart: false, reason: 'the trigger does not start on tags' };
    case 'pull_request': {
      const target = event.pullRequest?.targetBranch ?? '';
      if (!scm.pullRequest) return { wouldStart: false, reason: 'the trigger does not start on pull requests' };
      if (!matchesGlob(scm.pullRequest.branches, target)) {
        return {
          wouldStart: false,
          reason: `target branch ${target} does not match ${list(scm.pullRequest.branches)}`,
        };
      }
      return {
        wouldStart: true,
        reason:
          scm.pullRequest.branches.length === 0
            ? `a pull request into ${target} (the trigger takes every branch)`
            : `target branch ${target} matches ${list(scm.pullRequest.branches)}`,
      };
    }
    case 'pull_request_comment': {
      const comments = scm.pullRequestComment?.comments ?? [];
      if (comments.length === 0) return { wouldStart: false, reason: 'the trigger does not start on comments' };
      const comment = (event.comment ?? '').trim();
      if (!comments.some((c) => c.trim() === comment)) {
        return {
          wouldStart: false,
          reason: `comment "${comment}" is not one of ${comments.map((c) => `"${c}"`).join(', ')}`,
        };
      }
      return { wouldStart: true, reason: `comment "${comment}" matches` };
    }
  }
}
