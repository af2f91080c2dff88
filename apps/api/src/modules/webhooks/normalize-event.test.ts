// Payload fixtures follow the examples of each server's webhook documentation:
// GitHub "Webhook events and payloads" (docs.github.com/en/webhooks/webhook-events-and-payloads:
// push, pull_request, issue_comment); GitLab "Webhook events" (docs.gitlab.com/user/project/
// integrations/webhook_events: push, merge request, comment on merge request); Bitbucket
// Server/Data Center "Event payload" (confluence.atlassian.com/bitbucketserver/event-payload-938025882:
// repo:refs_changed, pr:from_ref_updated); Bitbucket Cloud "Event payloads"
// (support.atlassian.com/bitbucket-cloud/docs/event-payloads: repo:push).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeBitbucket, normalizeGitHub, normalizeGitLab, normalizeHook } from './normalize-event.js';

const load = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8'));

describe('normalizing deliveries', () => {
  it('GitHub push, tag, pull request and pull request comment', () => {
    expect(normalizeGitHub('push', load('github-push')).events).toEqual([
      {
        kind: 'push',
        repo: 'octocat/Hello-World',
        ref: 'refs/heads/main',
        branch: 'main',
        sha: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
      },
    ]);
    const tag = { ...load('github-push'), ref: 'refs/tags/v1.2.0' };
    expect(normalizeGitHub('push', tag).events[0]).toMatchObject({ kind: 'tag', tag: 'v1.2.0' });
    expect(normalizeGitHub('push', { ...load('github-push'), deleted: true }).events).toEqual([]);
    expect(normalizeGitHub('pull_request', load('github-pull-request')).events).toEqual([
      {
        kind: 'pull_request',
        repo: 'octocat/Hello-World',
        ref: 'refs/pull/1347/head',
        branch: 'new-topic',
        sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
        pullRequest: {
          number: 1347,
          sourceBranch: 'new-topic',
          targetBranch: 'main',
          action: 'opened',
          sourceRepo: 'octocat/Hello-World',
          isFork: false,
        },
        sender: { login: 'octocat', association: 'OWNER' },
      },
    ]);
    // A fork (GitHub's head.repo differs from base.repo) by a first-time contributor.
    expect(normalizeGitHub('pull_request', load('github-pull-request-fork')).events[0]).toMatchObject({
      pullRequest: { number: 1348, sourceRepo: 'mallory/Hello-World', isFork: true },
      sender: { login: 'mallory', association: 'FIRST_TIME_CONTRIBUTOR' },
    });
    // A fork deleted since: head.repo is null, which counts as a fork.
    const orphan = load('github-pull-request-fork');
    orphan.pull_request.head.repo = null;
    expect(normalizeGitHub('pull_request', orphan).events[0]?.pullRequest).toMatchObject({ isFork: true });
    expect(normalizeGitHub('pull_request', orphan).events[0]?.pullRequest?.sourceRepo).toBeUndefined();
    const closed = normalizeGitHub('pull_request', { ...load('github-pull-request'), action: 'closed' });
    expect(closed).toMatchObject({ events: [], ignoredReason: 'pull request action "closed"' });
    expect(normalizeGitHub('issue_comment', load('github-issue-comment')).events[0]).toMatchObject({
      kind: 'pull_request_comment',
      comment: '/retest',
      sha: '',
      pullRequest: { number: 1347 },
      sender: { login: 'octocat', association: 'OWNER' },
    });
    expect(normalizeGitHub('ping', {}).ignoredReason).toMatch(/ping/);
  });

  it('GitLab push, merge request update with new commits, and note', () => {
    expect(normalizeGitLab('Push Hook', load('gitlab-push')).events).toEqual([
      {
        kind: 'push',
        repo: 'mike/diaspora',
        ref: 'refs/heads/master',
        branch: 'master',
        sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      },
    ]);
    expect(normalizeGitLab('Merge Request Hook', load('gitlab-merge-request')).events[0]).toMatchObject({
      kind: 'pull_request',
      repo: 'gitlabhq/gitlab-test',
      sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      pullRequest: {
        number: 1,
        sourceBranch: 'ms-viewport',
        targetBranch: 'master',
        action: 'synchronize',
        isFork: false,
      },
      sender: { login: 'root', id: 1 },
    });
    // GitLab: source_project_id differs from target_project_id for a fork.
    expect(normalizeGitLab('Merge Request Hook', load('gitlab-merge-request-fork')).events[0]).toMatchObject({
      pullRequest: { number: 2, sourceRepo: 'mallory/gitlab-test', isFork: true, action: 'opened' },
      sender: { login: 'mallory', id: 6 },
    });
    const retitled = load('gitlab-merge-request');
    delete retitled.object_attributes.oldrev;
    expect(normalizeGitLab('Merge Request Hook', retitled).events).toEqual([]);
    expect(normalizeGitLab('Note Hook', load('gitlab-note')).events[0]).toMatchObject({
      kind: 'pull_request_comment',
      comment: '/retest',
      sha: '562e173be03b8ff2efb05345d12df18815438a4b',
      pullRequest: { number: 1, targetBranch: 'markdown', isFork: false },
      sender: { login: 'root', id: 1 },
    });
  });

  it('Bitbucket Server refs_changed (deletions skipped) and pull request updates; Bitbucket Cloud push', () => {
    const refs = normalizeBitbucket('repo:refs_changed', load('bitbucket-server-refs-changed')).events;
    expect(refs.map((e) => [e.kind, e.repo, e.ref, e.sha])).toEqual([
      ['push', 'PROJ/repository', 'refs/heads/master', '178864a7d521b6f5e720b386b2c2b0ef8563e0dc'],
      ['tag', 'PROJ/repository', 'refs/tags/v1.0', '178864a7d521b6f5e720b386b2c2b0ef8563e0dc'],
    ]);
    expect(
      normalizeBitbucket('pr:from_ref_updated', load('bitbucket-server-pr-from-ref-updated')).events[0],
    ).toMatchObject({
      kind: 'pull_request',
      repo: 'PRJ/repo',
      sha: 'ef8755f06ee4b28c96a847a95cb8ec8ed6ddd1ca',
      pullRequest: {
        number: 2,
        sourceBranch: 'pr-branch',
        targetBranch: 'master',
        action: 'synchronize',
        sourceRepo: 'PRJ/repo',
        isFork: false,
      },
      sender: { login: 'admin' },
    });
    expect(normalizeBitbucket('repo:push', load('bitbucket-cloud-push')).events).toEqual([
      {
        kind: 'push',
        repo: 'team_name/repo_name',
        ref: 'refs/heads/name-of-branch',
        branch: 'name-of-branch',
        sha: '709d658dc5b6d6afcd46049c2f332ee3f515a67d',
      },
    ]);
  });

  it("Cyclone's SVN post-commit and Git post-receive hooks", () => {
    const svn = normalizeHook('svn-commit', { repo: 'app', revision: '42', changed: ['trunk/a.c', 'tags/v1/a.c'] });
    expect(svn.events.map((e) => [e.kind, e.ref, e.sha])).toEqual([
      ['push', 'refs/heads/trunk', '42'],
      ['tag', 'refs/tags/v1', '42'],
    ]);
    expect(normalizeHook('svn-commit', { repo: 'app', revision: 'x' }).events).toEqual([]);
    const git = normalizeHook('git-push', {
      repo: 'app.git',
      ref: 'refs/heads/dev',
      before: '0'.repeat(40),
      after: 'a'.repeat(40),
    });
    expect(git.events).toEqual([
      { kind: 'push', repo: 'app.git', ref: 'refs/heads/dev', branch: 'dev', sha: 'a'.repeat(40) },
    ]);
  });
});
