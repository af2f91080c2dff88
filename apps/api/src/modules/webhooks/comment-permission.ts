import type { Integration } from '../../generated/prisma/client.js';
import { createScmProvider, hasScmCredentials } from '../scm/create-provider.js';
import { isAllowListed, isOutsiderByAssociation } from './event-trust.rules.js';
import type { ScmTriggerSettings } from './match-triggers.js';
import type { ScmEvent } from './scm-event.js';

interface CommentMatch {
  trigger: { name: string; scm: ScmTriggerSettings };
  event: ScmEvent;
}

/**
 * Keeps the matches of comment triggers whose commenter may start a run: one on the
 * trigger's allow list (`pullRequestComment.users`), or one the SCM server says has
 * write access to the repository (asked once per commenter and delivery; GitHub
 * commenters whose author_association shows no standing are not asked). Everyone else
 * starts nothing, and `refused` says why. Other matches pass unchanged. A server that
 * cannot be asked throws, so the delivery fails and is delivered again.
 */
export async function keepPermittedCommenters<M extends CommentMatch>(
  integration: Pick<Integration, 'type' | 'config'>,
  secret: Record<string, string>,
  matches: M[],
): Promise<{ kept: M[]; refused: string[] }> {
  const scm = { type: integration.type, config: integration.config, secret };
  const provider = hasScmCredentials(scm) ? createScmProvider(scm) : undefined;
  const answers = new Map<string, Promise<boolean>>();
  const kept: M[] = [];
  const refused: string[] = [];
  for (const match of matches) {
    const { event, trigger } = match;
    if (event.kind !== 'pull_request_comment' || isAllowListed(trigger.scm.pullRequestComment?.users, event.sender)) {
      kept.push(match);
      continue;
    }
    const login = event.sender?.login ?? '';
    let hasWriteAccess = false;
    if (login && provider?.hasWriteAccess && !isOutsiderByAssociation(event.sender)) {
      const key = `${event.repo.toLowerCase()}\n${login.toLowerCase()}`;
      if (!answers.has(key)) {
        answers.set(key, provider.hasWriteAccess(event.repo, { login, id: event.sender?.id }));
      }
      hasWriteAccess = await (answers.get(key) as Promise<boolean>);
    }
    if (hasWriteAccess) kept.push(match);
    else {
      const who = login ? `"${login}"` : 'an unnamed commenter';
      refused.push(
        `trigger "${trigger.name}" started no run: the comment by ${who} counts only from someone with write access to ${event.repo} or on the trigger's pullRequestComment.users`,
      );
    }
  }
  return { kept, refused };
}
