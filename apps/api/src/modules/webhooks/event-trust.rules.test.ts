import { describe, expect, it } from 'vitest';
import { approvalReasonOf, isAllowListed, isOutsiderByAssociation } from './event-trust.rules.js';
import type { ScmEvent } from './scm-event.js';

const pr = (pullRequest: Partial<NonNullable<ScmEvent['pullRequest']>>, sender?: ScmEvent['sender']): ScmEvent => ({
  kind: 'pull_request',
  repo: 'octocat/app',
  ref: 'refs/pull/7/head',
  sha: 'a'.repeat(40),
  pullRequest: { number: 7, sourceBranch: 'x', targetBranch: 'main', action: 'opened', ...pullRequest },
  ...(sender ? { sender } : {}),
});

describe('which runs wait for a member', () => {
  it('a fork’s pull request waits, whoever wrote it', () => {
    expect(approvalReasonOf(pr({ isFork: true, sourceRepo: 'mallory/app' }, { login: 'mallory' }))).toBe(
      'pull request #7 by mallory comes from the fork mallory/app',
    );
    expect(
      approvalReasonOf(pr({ isFork: true, sourceRepo: 'octocat-2/app' }, { login: 'o', association: 'OWNER' })),
    ).toMatch(/fork/);
  });

  it('a pull request whose source the payload does not name waits', () => {
    expect(approvalReasonOf(pr({}))).toBe('pull request #7 comes from a repository the delivery does not name');
  });

  it('a same-repository pull request by a GitHub outsider waits; by a member it does not', () => {
    expect(approvalReasonOf(pr({ isFork: false }, { login: 'eve', association: 'CONTRIBUTOR' }))).toBe(
      'pull request #7 by eve, who is not a member of octocat/app (CONTRIBUTOR)',
    );
    for (const association of ['OWNER', 'MEMBER', 'COLLABORATOR']) {
      expect(approvalReasonOf(pr({ isFork: false }, { login: 'o', association }))).toBeUndefined();
    }
    // GitLab and Bitbucket send no association: pushing the branch took write access.
    expect(approvalReasonOf(pr({ isFork: false }, { login: 'dev', id: 3 }))).toBeUndefined();
  });

  it('pushes, tags and comments are not held here', () => {
    const push: ScmEvent = { kind: 'push', repo: 'octocat/app', ref: 'refs/heads/main', branch: 'main', sha: 'b' };
    expect(approvalReasonOf(push)).toBeUndefined();
    expect(approvalReasonOf({ ...pr({ isFork: true }), kind: 'pull_request_comment', comment: '/retest' })).toBe(
      undefined,
    );
  });

  it('allow lists compare logins without case; outsiders are told by their association', () => {
    expect(isAllowListed(['Alice '], { login: 'alice' })).toBe(true);
    expect(isAllowListed(['alice'], { login: 'mallory' })).toBe(false);
    expect(isAllowListed(undefined, { login: 'alice' })).toBe(false);
    expect(isAllowListed(['alice'], undefined)).toBe(false);
    expect(isOutsiderByAssociation({ login: 'm', association: 'NONE' })).toBe(true);
    expect(isOutsiderByAssociation({ login: 'o', association: 'COLLABORATOR' })).toBe(false);
    expect(isOutsiderByAssociation({ login: 'g', id: 2 })).toBe(false);
  });
});
