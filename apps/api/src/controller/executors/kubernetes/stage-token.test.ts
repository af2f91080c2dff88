import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../../modules/integrations/secret-box.js';
import { signStageToken, verifyStageToken } from './stage-token.js';

describe('stage tokens', () => {
  const box = new SecretBox(randomBytes(32));
  const claims = { runId: '7d2c6c1e-63a4-4c49-9b43-8c4c1f0f3a11', stage: 'build', attempt: 2 };

  it('verify with the key that signed them', () => {
    expect(verifyStageToken(box, signStageToken(box, claims))).toEqual(claims);
  });

  it('are refused with another key, altered or malformed', () => {
    const token = signStageToken(box, claims);
    expect(verifyStageToken(new SecretBox(randomBytes(32)), token)).toBeUndefined();
    expect(verifyStageToken(box, `${token.slice(0, -3)}AAA`)).toBeUndefined();
    expect(verifyStageToken(box, 'Bearer nonsense')).toBeUndefined();
  });
});
