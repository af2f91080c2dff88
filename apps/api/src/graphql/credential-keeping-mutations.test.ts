import { describe, expect, it } from 'vitest';
import { mayChangeCredentials } from './credential-keeping-mutations.js';

describe('mayChangeCredentials', () => {
  it('keeps cached credentials only after run steering', () => {
    expect(mayChangeCredentials(['runWorkflow'])).toBe(false);
    expect(mayChangeCredentials(['stopWorkflowRun', 'approveStage'])).toBe(false);
  });

  it('drops them after any identity change, a mix, or a root that is not a plain field', () => {
    for (const field of ['logout', 'revokeSession', 'removeTenantMember', 'disableUser', 'createProject']) {
      expect(mayChangeCredentials([field])).toBe(true);
    }
    expect(mayChangeCredentials(['runWorkflow', 'revokeApiToken'])).toBe(true);
    expect(mayChangeCredentials(undefined)).toBe(true);
  });
});
