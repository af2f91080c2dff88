import type { SecretBox } from '../../../modules/integrations/secret-box.js';

/** What a stage pod's token lets its helper do: write logs and outputs of this one attempt. */
export interface StageTokenClaims {
  runId: string;
  stage: string;
  attempt: number;
}

const PREFIX = 'cst1.';

/**
 * A signed token for one attempt, sealed with the installation's encryption key
 * (AES-GCM: nobody without the key can make or alter one), so nothing is stored per
 * pod. The ingestion route also requires the attempt to still be RUNNING, so a
 * token read from an old pod spec is worth nothing once its attempt ended.
 */
export function signStageToken(box: SecretBox, claims: StageTokenClaims): string {
  const sealed = box.seal(JSON.stringify({ r: claims.runId, s: claims.stage, a: claims.attempt }));
  return PREFIX + Buffer.from(sealed, 'utf8').toString('base64url');
}

/** The claims of a valid token, or undefined for anything else. */
export function verifyStageToken(box: SecretBox, token: string): StageTokenClaims | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  try {
    const parsed = JSON.parse(box.open(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8'))) as {
      r?: unknown;
      s?: unknown;
      a?: unknown;
    };
    if (typeof parsed.r !== 'string' || typeof parsed.s !== 'string' || !Number.isInteger(parsed.a)) return undefined;
    return { runId: parsed.r, stage: parsed.s, attempt: parsed.a as number };
  } catch {
    return undefined;
  }
}
