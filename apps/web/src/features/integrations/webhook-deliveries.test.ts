import { describe, expect, it } from 'vitest';
import { countOutcomes, integrationHref, integrationWebhookPath, OUTCOME_PHASE } from './webhook-deliveries';

describe('webhook delivery helpers', () => {
  it('shows a rejected delivery as a failure and an ignored one as skipped', () => {
    expect(OUTCOME_PHASE.REJECTED).toBe('FAILED');
    expect(OUTCOME_PHASE.ACCEPTED).toBe('SUCCEEDED');
    expect(OUTCOME_PHASE.IGNORED).toBe('SKIPPED');
    expect(OUTCOME_PHASE.FAILED).toBe('WAITING');
  });

  it('counts deliveries per outcome', () => {
    const rows = [{ outcome: 'REJECTED' }, { outcome: 'ACCEPTED' }, { outcome: 'REJECTED' }] as const;
    expect(countOutcomes(rows)).toEqual({ ACCEPTED: 1, IGNORED: 0, REJECTED: 2, FAILED: 0 });
    expect(countOutcomes([])).toEqual({ ACCEPTED: 0, IGNORED: 0, REJECTED: 0, FAILED: 0 });
  });

  it('builds the webhook path and the page address of an integration', () => {
    expect(integrationWebhookPath('0b2c4a1e-6f1d-4c55-8a2e-2f0c0a9d7e31')).toBe(
      '/webhooks/0b2c4a1e-6f1d-4c55-8a2e-2f0c0a9d7e31',
    );
    expect(integrationHref('git server/1')).toBe('/integrations/git%20server%2F1');
  });
});
