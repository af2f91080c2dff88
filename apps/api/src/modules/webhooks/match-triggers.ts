import type { NameValue } from '@cyclone/domain';
import type { ScmEvent } from './scm-event.js';

export interface ScmTriggerSettings {
  repo: string;
  push?: { branches: string[] };
  tagRelease?: boolean;
  pullRequest?: { branches: string[] };
  pullRequestComment?: { comments: string[]; users?: string[] };
}

/**
 * Branch globs: `*` matches within one path segment, `**` across segments, `?` one
 * character; an empty list matches every branch.
 */
export function matchesGlob(patterns: string[], value: string): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) => globToRegExp(pattern).test(value));
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Repository names compare without case and surrounding slashes (servers differ in case). */
export function isSameRepo(a: string, b: string): boolean {
  const clean = (s: string) =>
    s
      .trim()
      .replace(/^\/+|\/+$/g, '')
      .replace(/\.git$/, '')
      .toLowerCase();
  return clean(a) === clean(b);
}

/** Whether an SCM trigger wants a run for this event. */
export function matchesTrigger(scm: ScmTriggerSettings, event: ScmEvent): boolean {
  if (!isSameRepo(scm.repo, event.repo)) return false;
  switch (event.kind) {
    case 'push':
      return scm.push !== undefined && matchesGlob(scm.push.branches, event.branch ?? '');
    case 'tag':
      return scm.tagRelease === true;
    case 'pull_request':
      return (
        scm.pullRequest !== undefined && matchesGlob(scm.pullRequest.branches, event.pullRequest?.targetBranch ?? '')
      );
    case 'pull_request_comment': {
      const comment = (event.comment ?? '').trim();
      return (scm.pullRequestComment?.comments ?? []).some((c) => c.trim() === comment);
    }
  }
}

/**
 * Run parameters: the trigger's own first, then the event's SCM_* values, which win
 * over trigger parameters of the same name (SCM_REVISION must be the commit built).
 */
export function runParameters(triggerParameters: NameValue[], event: ScmEvent): NameValue[] {
  const scm: Record<string, string | undefined> = {
    SCM_REVISION: event.sha,
    SCM_REF: event.ref,
    SCM_EVENT: event.kind,
    SCM_REPO: event.repo,
    SCM_BRANCH: event.branch,
    SCM_TAG: event.tag,
    SCM_PR_NUMBER: event.pullRequest ? String(event.pullRequest.number) : undefined,
    SCM_PR_SOURCE_BRANCH: event.pullRequest?.sourceBranch || undefined,
    SCM_PR_TARGET_BRANCH: event.pullRequest?.targetBranch || undefined,
    SCM_COMMENT: event.comment,
    SCM_AUTHOR: event.sender?.login,
  };
  const merged = new Map(triggerParameters.map((p) => [p.name, p.value]));
  for (const [name, value] of Object.entries(scm)) if (value !== undefined && value !== '') merged.set(name, value);
  return [...merged].map(([name, value]) => ({ name, value }));
}
