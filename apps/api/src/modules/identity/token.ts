import { createHash, randomBytes } from 'node:crypto';

/** A bearer token: 32 random bytes, prefixed so that leaked tokens are recognisable. */
export function generateToken(kind: 'session' | 'api'): string {
  return `cyc_${kind === 'session' ? 's' : 'a'}_${randomBytes(32).toString('base64url')}`;
}

/** Tokens are stored only as their SHA-256; they have enough entropy not to need a slow hash. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
