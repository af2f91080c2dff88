import { describe, expect, it } from 'vitest';
import { matchesGlob, matchesTrigger, runParameters } from './match-triggers.js';
import type { ScmEvent } from './scm-event.js';
import { isValidHmacSignature, isValidToken, signBody } from './verify-signature.js';

const push = (branch: string): ScmEvent => ({
  kind: 'push',
  repo: 'Acme/Web',
  ref: `refs/heads/${branch}`,
  branch,
  sha: 'abc',
});

describe('trigger matching', () => {
  it('matches branch globs segment by segment', () => {
    expect(matchesGlob(['main'], 'main')).toBe(true);
    expect(matchesGlob(['main'], 'main2')).toBe(false);
    expect(matchesGlob(['release/*'], 'release/1.0')).toBe(true);
    expect(matchesGlob(['release/*'], 'release/1.0/hotfix')).toBe(false);
    expect(matchesGlob(['release/**'], 'release/1.0/hotfix')).toBe(true);
    expect(matchesGlob(['v?.x'], 'v1.x')).toBe(true);
    expect(matchesGlob(['a.b'], 'aXb')).toBe(false);
    expect(matchesGlob([], 'anything')).toBe(true);
  });

  it('matches pushes, tags, pull request target branches and exact comments', () => {
    const scm = {
      repo: 'acme/web',
      push: { branches: ['main'] },
      tagRelease: true,
      pullRequest: { branches: ['main'] },
      pullRequestComment: { comments: ['/retest'] },
    };
    expect(matchesTrigger(scm, push('main'))).toBe(true);
    expect(matchesTrigger(scm, push('feature'))).toBe(false);
    expect(matchesTrigger({ ...scm, repo: 'acme/other' }, push('main'))).toBe(false);
    expect(matchesTrigger({ repo: 'acme/web' }, push('main'))).toBe(false);
    expect(matchesTrigger(scm, { kind: 'tag', repo: 'acme/web', ref: 'refs/tags/v1', tag: 'v1', sha: 'a' })).toBe(true);
    expect(matchesTrigger({ ...scm, tagRelease: false }, { kind: 'tag', repo: 'acme/web', ref: 'r', sha: 'a' })).toBe(
      false,
    );
    const pr = (targetBranch: string, comment?: string): ScmEvent => ({
      kind: comment ? 'pull_request_comment' : 'pull_request',
      repo: 'acme/web',
      ref: 'refs/pull/7/head',
      sha: 'b',
      pullRequest: { number: 7, sourceBranch: 'topic', targetBranch, action: 'opened' },
      comment,
    });
    expect(matchesTrigger(scm, pr('main'))).toBe(true);
    expect(matchesTrigger(scm, pr('dev'))).toBe(false);
    expect(matchesTrigger(scm, pr('main', ' /retest '))).toBe(true);
    expect(matchesTrigger(scm, pr('main', '/retest please'))).toBe(false);
  });

  it('sets SCM_* parameters over the trigger parameters of the same name', () => {
    const params = runParameters(
      [
        { name: 'ENV', value: 'ci' },
        { name: 'SCM_REVISION', value: 'stale' },
      ],
      {
        ...push('main'),
        pullRequest: { number: 9, sourceBranch: 'topic', targetBranch: 'main', action: 'synchronize' },
      },
    );
    expect(params).toEqual([
      { name: 'ENV', value: 'ci' },
      { name: 'SCM_REVISION', value: 'abc' },
      { name: 'SCM_REF', value: 'refs/heads/main' },
      { name: 'SCM_EVENT', value: 'push' },
      { name: 'SCM_REPO', value: 'Acme/Web' },
      { name: 'SCM_BRANCH', value: 'main' },
      { name: 'SCM_PR_NUMBER', value: '9' },
      { name: 'SCM_PR_SOURCE_BRANCH', value: 'topic' },
      { name: 'SCM_PR_TARGET_BRANCH', value: 'main' },
    ]);
  });
});

describe('signature checks', () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  it('accepts only the HMAC-SHA256 of the exact body with the same secret', () => {
    expect(isValidHmacSignature(body, 's3cret', signBody(body, 's3cret'))).toBe(true);
    expect(isValidHmacSignature(body, 's3cret', signBody(body, 'other'))).toBe(false);
    expect(isValidHmacSignature(Buffer.from('{"ref":"refs/heads/evil"}'), 's3cret', signBody(body, 's3cret'))).toBe(
      false,
    );
    expect(isValidHmacSignature(body, 's3cret', undefined)).toBe(false);
    expect(isValidHmacSignature(body, 's3cret', 'sha256=abc')).toBe(false);
    expect(isValidHmacSignature(body, 's3cret', signBody(body, 's3cret').replace('sha256=', 'sha1='))).toBe(false);
    expect(isValidHmacSignature(body, '', signBody(body, ''))).toBe(false);
  });
  it('compares GitLab tokens exactly', () => {
    expect(isValidToken('s3cret', 's3cret')).toBe(true);
    expect(isValidToken('s3cret', 's3cre')).toBe(false);
    expect(isValidToken('s3cret', undefined)).toBe(false);
  });
});
