import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks a `sha256=<hex>` header (GitHub X-Hub-Signature-256, Bitbucket
 * X-Hub-Signature, Cyclone's SVN/Git hooks) against HMAC-SHA256 of the raw body.
 */
export function isValidHmacSignature(body: Buffer, secret: string, header: string | undefined): boolean {
  if (!header || !secret) return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[1] as string, 'hex'));
}

/** GitLab's X-Gitlab-Token carries the secret itself; compared in constant time. */
export function isValidToken(secret: string, header: string | undefined): boolean {
  if (!header || !secret) return false;
  // Equal-length digests keep the comparison constant-time whatever the header's length.
  const digest = (value: string) => createHmac('sha256', 'cyclone-token-compare').update(value).digest();
  return timingSafeEqual(digest(secret), digest(header));
}

/** `sha256=<hex HMAC-SHA256 of the exact body>`: what Cyclone sends in X-Cyclone-Signature-256 and checks in X-Hub-Signature-256. */
export function signBody(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
