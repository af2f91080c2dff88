import { describe, expect, it } from 'vitest';
import { checkSteps } from './check-steps';
import type { IntegrationTestResult } from './integrations.documents';

const result = (over: Partial<IntegrationTestResult>): IntegrationTestResult => ({
  ok: false,
  stage: 'CONNECT',
  code: 'ECONNREFUSED',
  message: 'connect ECONNREFUSED 127.0.0.1:1',
  latencyMs: 3,
  checkedAt: '2026-11-26T00:00:00Z',
  ...over,
});

describe('checkSteps', () => {
  it('marks the stages before the failed one passed and the later ones not checked', () => {
    expect(checkSteps(result({ stage: 'AUTH' }), true).map((s) => s.state)).toEqual([
      'passed',
      'passed',
      'passed',
      'failed',
      'skipped',
    ]);
  });

  it('does not claim a TLS handshake for a plain-text server', () => {
    expect(checkSteps(result({ ok: true, stage: 'RESPONSE', code: 'OK' }), false).map((s) => s.state)).toEqual([
      'passed',
      'passed',
      'skipped',
      'passed',
      'passed',
    ]);
    expect(checkSteps(result({ stage: 'CONNECT' }), false).map((s) => s.state)).toEqual([
      'passed',
      'failed',
      'skipped',
      'skipped',
      'skipped',
    ]);
  });
});
