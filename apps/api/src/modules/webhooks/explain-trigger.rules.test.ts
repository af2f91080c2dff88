import { describe, expect, it } from 'vitest';
import { keptPayload, MAX_KEPT_PAYLOAD_BYTES, STRIPPED } from './delivery-payload.js';
import { explainScmMatch } from './explain-trigger.rules.js';
import { matchesTrigger, type ScmTriggerSettings } from './match-triggers.js';
import type { ScmEvent } from './scm-event.js';

const scm: ScmTriggerSettings = {
  repo: 'acme/shop',
  push: { branches: ['main', 'release/*'] },
  pullRequest: { branches: [] },
  pullRequestComment: { comments: ['/retest'] },
};
const push = (branch: string, repo = 'acme/shop'): ScmEvent => ({
  kind: 'push',
  repo,
  ref: `refs/heads/${branch}`,
  branch,
  sha: '',
});

describe('explainScmMatch', () => {
  it('gives the rule that refused the event, in words', () => {
    expect(explainScmMatch(scm, push('feature/x'))).toEqual({
      wouldStart: false,
      reason: 'branch feature/x does not match main, release/*',
    });
    expect(explainScmMatch(scm, push('main', 'acme/other')).reason).toBe('repository acme/other is not acme/shop');
    expect(explainScmMatch(scm, { kind: 'tag', repo: 'acme/shop', ref: 'refs/tags/v1', tag: 'v1', sha: '' })).toEqual({
      wouldStart: false,
      reason: 'the trigger does not start on tags',
    });
  });

  it('decides exactly as matchesTrigger does', () => {
    const events: ScmEvent[] = [
      push('main'),
      push('release/1.2'),
      push('release/1/2'),
      push('Main'),
      push('main', 'ACME/shop.git'),
      { kind: 'tag', repo: 'acme/shop', ref: 'refs/tags/v1', tag: 'v1', sha: '' },
      {
        kind: 'pull_request',
        repo: 'acme/shop',
        ref: 'refs/pull/1/head',
        sha: '',
        pullRequest: { number: 1, sourceBranch: 'x', targetBranch: 'anything', action: 'opened' },
      },
      { kind: 'pull_request_comment', repo: 'acme/shop', ref: '', sha: '', comment: ' /retest ' },
      { kind: 'pull_request_comment', repo: 'acme/shop', ref: '', sha: '', comment: '/rerun' },
    ];
    for (const event of events) expect(explainScmMatch(scm, event).wouldStart).toBe(matchesTrigger(scm, event));
  });
});

describe('keptPayload', () => {
  it('strips secret fields, URL credentials and token shapes, and keeps the rest', () => {
    const kept = keptPayload({
      ref: 'refs/heads/main',
      hook: { config: { secret: 'hook-secret', url: 'https://ci.example.com/hook' } },
      token: 'abc',
      repository: { clone_url: 'https://bot:pa55@git.example.com/a/b.git', token_url: null },
      commits: [{ message: 'use glpat-abcdefghijklmnopqrstu now' }],
    });
    expect(kept).toEqual({
      ref: 'refs/heads/main',
      hook: { config: { secret: STRIPPED, url: 'https://ci.example.com/hook' } },
      token: STRIPPED,
      repository: { clone_url: `https://${STRIPPED}@git.example.com/a/b.git`, token_url: null },
      commits: [{ message: `use ${STRIPPED} now` }],
    });
  });

  it('keeps nothing larger than the bound', () => {
    expect(keptPayload({ files: 'x'.repeat(MAX_KEPT_PAYLOAD_BYTES) })).toBeUndefined();
  });
});
