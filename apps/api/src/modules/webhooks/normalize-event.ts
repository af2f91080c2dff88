import type { EventSender, NormalizedDelivery, PullRequestInfo, ScmEvent } from './scm-event.js';

// biome-ignore lint/suspicious/noExplicitAny: untrusted payloads are probed field by field
type Json = Record<string, any>;

const ZERO_SHA = /^0+$/;
const PR_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);

const ignored = (event: string, reason: string): NormalizedDelivery => ({ event, events: [], ignoredReason: reason });

/** Push of a ref: a branch push, a tag, or nothing for deletions. */
function refEvent(repo: string, ref: string, sha: string): ScmEvent | undefined {
  if (!sha || ZERO_SHA.test(sha)) return undefined;
  if (ref.startsWith('refs/heads/')) return { kind: 'push', repo, ref, branch: ref.slice(11), sha };
  if (ref.startsWith('refs/tags/')) return { kind: 'tag', repo, ref, tag: ref.slice(10), sha };
  return undefined;
}

function pullEvent(repo: string, pr: PullRequestInfo, sha: string, comment?: string, sender?: EventSender): ScmEvent {
  return {
    kind: comment === undefined ? 'pull_request' : 'pull_request_comment',
    repo,
    ref: `refs/pull/${pr.number}/head`,
    branch: pr.sourceBranch,
    sha,
    pullRequest: pr,
    ...(comment === undefined ? {} : { comment }),
    ...(sender?.login ? { sender } : {}),
  };
}

/** Where a pull request's changes come from, as far as the payload says. */
function origin(
  source: unknown,
  target: unknown,
  sourceName?: unknown,
): Pick<PullRequestInfo, 'sourceRepo' | 'isFork'> {
  const name = typeof sourceName === 'string' && sourceName !== '' ? { sourceRepo: sourceName } : {};
  const known = (v: unknown) => (typeof v === 'string' && v !== '') || typeof v === 'number';
  if (!known(source) || !known(target)) return name;
  return { ...name, isFork: String(source).toLowerCase() !== String(target).toLowerCase() };
}

const login = (value: unknown): string => (typeof value === 'string' ? value : '');

const some = (events: (ScmEvent | undefined)[], event: string, reason: string): NormalizedDelivery => {
  const found = events.filter((e): e is ScmEvent => e !== undefined);
  return found.length > 0 ? { event, events: found } : ignored(event, reason);
};

/** GitHub: X-GitHub-Event push | pull_request | issue_comment (ping and others are ignored). */
export function normalizeGitHub(event: string, body: Json): NormalizedDelivery {
  const repo = String(body.repository?.full_name ?? '');
  if (event === 'push') {
    if (body.deleted) return ignored(event, 'a deleted ref');
    return some([refEvent(repo, String(body.ref ?? ''), String(body.after ?? ''))], event, 'not a branch or tag');
  }
  if (event === 'pull_request') {
    const action = String(body.action ?? '');
    if (!PR_ACTIONS.has(action)) return ignored(event, `pull request action "${action}"`);
    const pr = body.pull_request ?? {};
    // A deleted fork leaves head.repo null: the source is unknown, which counts as a fork.
    const source = pr.head ? (pr.head.repo?.full_name ?? 'a deleted repository') : undefined;
    return {
      event,
      events: [
        pullEvent(
          repo,
          {
            number: Number(body.number ?? pr.number),
            sourceBranch: pr.head?.ref,
            targetBranch: pr.base?.ref,
            action,
            ...origin(source, pr.base?.repo?.full_name ?? repo, pr.head?.repo?.full_name),
          },
          String(pr.head?.sha ?? ''),
          undefined,
          { login: login(pr.user?.login), association: String(pr.author_association ?? 'NONE') },
        ),
      ],
    };
  }
  if (event === 'issue_comment') {
    if (body.action !== 'created') return ignored(event, `comment action "${body.action}"`);
    if (!body.issue?.pull_request) return ignored(event, 'a comment on an issue, not a pull request');
    // The payload names neither the branches nor the head commit: looked up later.
    const pr = { number: Number(body.issue.number), sourceBranch: '', targetBranch: '', action: 'comment' };
    const sender = {
      login: login(body.comment?.user?.login ?? body.sender?.login),
      association: String(body.comment?.author_association ?? 'NONE'),
    };
    return { event, events: [pullEvent(repo, pr, '', String(body.comment?.body ?? ''), sender)] };
  }
  return ignored(event, `event "${event}" starts nothing`);
}

/** GitLab: X-Gitlab-Event Push Hook | Tag Push Hook | Merge Request Hook | Note Hook. */
export function normalizeGitLab(event: string, body: Json): NormalizedDelivery {
  const repo = String(body.project?.path_with_namespace ?? '');
  if (event === 'Push Hook' || event === 'Tag Push Hook') {
    const sha = String(body.checkout_sha ?? body.after ?? '');
    return some([refEvent(repo, String(body.ref ?? ''), sha)], event, 'a deleted ref');
  }
  if (event === 'Merge Request Hook') {
    const mr = body.object_attributes ?? {};
    const action = { open: 'opened', reopen: 'reopened', update: 'synchronize' }[String(mr.action)] ?? '';
    // An update without oldrev changed the title or labels, not the commits.
    if (!action || (mr.action === 'update' && !mr.oldrev)) return ignored(event, `merge request action "${mr.action}"`);
    const pr = {
      number: Number(mr.iid),
      sourceBranch: mr.source_branch,
      targetBranch: mr.target_branch,
      action,
      ...origin(mr.source_project_id, mr.target_project_id, mr.source?.path_with_namespace),
    };
    const sender = { login: login(body.user?.username), id: Number(body.user?.id) || undefined };
    return { event, events: [pullEvent(repo, pr, String(mr.last_commit?.id ?? ''), undefined, sender)] };
  }
  if (event === 'Note Hook') {
    const note = body.object_attributes ?? {};
    if (note.noteable_type !== 'MergeRequest' || !body.merge_request) return ignored(event, 'not a merge request note');
    const mr = body.merge_request;
    const pr = {
      number: Number(mr.iid),
      sourceBranch: mr.source_branch,
      targetBranch: mr.target_branch,
      action: 'comment',
      ...origin(mr.source_project_id, mr.target_project_id, mr.source?.path_with_namespace),
    };
    const sender = { login: login(body.user?.username), id: Number(body.user?.id) || undefined };
    return {
      event,
      events: [pullEvent(repo, pr, String(mr.last_commit?.id ?? ''), String(note.note ?? ''), sender)],
    };
  }
  return ignored(event, `event "${event}" starts nothing`);
}

/**
 * Bitbucket, both flavours, told apart by X-Event-Key: Server sends repo:refs_changed
 * and pr:*, Cloud sends repo:push and pullrequest:*.
 */
export function normalizeBitbucket(event: string, body: Json): NormalizedDelivery {
  if (event === 'repo:refs_changed') {
    const repository = body.repository ?? {};
    const repo = `${repository.project?.key ?? ''}/${repository.slug ?? ''}`;
    const changes: Json[] = Array.isArray(body.changes) ? body.changes : [];
    return some(
      changes.map((c) =>
        c.type === 'DELETE' ? undefined : refEvent(repo, String(c.ref?.id ?? c.refId ?? ''), String(c.toHash ?? '')),
      ),
      event,
      'no branch or tag was added or updated',
    );
  }
  if (event === 'pr:opened' || event === 'pr:from_ref_updated' || event === 'pr:comment:added') {
    const pull = body.pullRequest ?? {};
    const target = pull.toRef?.repository ?? {};
    const repo = `${target.project?.key ?? ''}/${target.slug ?? ''}`;
    const action = { 'pr:opened': 'opened', 'pr:from_ref_updated': 'synchronize', 'pr:comment:added': 'comment' }[
      event
    ];
    const from = pull.fromRef?.repository;
    const fromName = from ? `${from.project?.key ?? ''}/${from.slug ?? ''}` : undefined;
    const pr = {
      number: Number(pull.id),
      sourceBranch: pull.fromRef?.displayId,
      targetBranch: pull.toRef?.displayId,
      action,
      ...origin(fromName, pull.toRef?.repository ? repo : undefined, fromName),
    };
    const comment = event === 'pr:comment:added' ? String(body.comment?.text ?? '') : undefined;
    const sender = { login: login(body.actor?.name ?? body.actor?.slug) };
    return { event, events: [pullEvent(repo, pr, String(pull.fromRef?.latestCommit ?? ''), comment, sender)] };
  }
  if (event === 'repo:push') {
    const repo = String(body.repository?.full_name ?? '');
    const changes: Json[] = Array.isArray(body.push?.changes) ? body.push.changes : [];
    return some(
      changes.map((c) => {
        if (!c.new) return undefined;
        const prefix = c.new.type === 'tag' ? 'refs/tags/' : 'refs/heads/';
        return refEvent(repo, `${prefix}${c.new.name}`, String(c.new.target?.hash ?? ''));
      }),
      event,
      'no branch or tag was added or updated',
    );
  }
  if (event === 'pullrequest:created' || event === 'pullrequest:updated' || event === 'pullrequest:comment_created') {
    const pull = body.pullrequest ?? {};
    const repo = String(body.repository?.full_name ?? '');
    const actions: Record<string, string> = { 'pullrequest:created': 'opened', 'pullrequest:updated': 'synchronize' };
    const action = actions[event] ?? 'comment';
    const pr = {
      number: Number(pull.id),
      sourceBranch: pull.source?.branch?.name,
      targetBranch: pull.destination?.branch?.name,
      action,
      ...origin(
        pull.source?.repository?.full_name,
        pull.destination?.repository?.full_name,
        pull.source?.repository?.full_name,
      ),
    };
    const comment = event === 'pullrequest:comment_created' ? String(body.comment?.content?.raw ?? '') : undefined;
    const sender = { login: login(body.actor?.nickname ?? body.actor?.username) };
    return { event, events: [pullEvent(repo, pr, String(pull.source?.commit?.hash ?? ''), comment, sender)] };
  }
  return ignored(event, `event "${event}" starts nothing`);
}

/**
 * Cyclone's own hook format (hook-scripts.ts). svn-commit: {repo, revision, changed[]},
 * where trunk/…, branches/<b>/… and tags/<t>/… name the branch or tag; git-push:
 * {repo, ref, before, after}.
 */
export function normalizeHook(event: string, body: Json): NormalizedDelivery {
  const repo = String(body.repo ?? '');
  if (event === 'git-push') {
    return some([refEvent(repo, String(body.ref ?? ''), String(body.after ?? ''))], event, 'a deleted ref');
  }
  if (event === 'svn-commit') {
    const revision = String(body.revision ?? '');
    if (!/^\d+$/.test(revision)) return ignored(event, 'no revision number');
    const changed: string[] = Array.isArray(body.changed) ? body.changed.map(String) : [];
    const refs = new Set<string>();
    for (const path of changed) {
      const [top, name] = path.replace(/^\/+/, '').split('/');
      if (top === 'trunk') refs.add('refs/heads/trunk');
      else if (top === 'branches' && name) refs.add(`refs/heads/${name}`);
      else if (top === 'tags' && name) refs.add(`refs/tags/${name}`);
    }
    if (refs.size === 0) refs.add('refs/heads/trunk');
    return some(
      [...refs].map((ref) => refEvent(repo, ref, revision)),
      event,
      'nothing changed',
    );
  }
  return ignored(event, `event "${event}" starts nothing`);
}
