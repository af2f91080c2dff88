import { createHash } from 'node:crypto';
import type { IntegrationType } from '../../generated/prisma/enums.js';
import { normalizeBitbucket, normalizeGitHub, normalizeGitLab, normalizeHook } from './normalize-event.js';
import type { NormalizedDelivery } from './scm-event.js';
import { isValidHmacSignature, isValidToken } from './verify-signature.js';

export type Headers = Record<string, string | undefined>;

/** Which header carries what, per integration type (docs/integrations.md lists them). */
const HEADERS: Record<string, { event: string; delivery: string[]; signature: string; isToken?: boolean }> = {
  GITHUB: { event: 'x-github-event', delivery: ['x-github-delivery'], signature: 'x-hub-signature-256' },
  GITLAB: {
    event: 'x-gitlab-event',
    delivery: ['x-gitlab-event-uuid', 'x-gitlab-webhook-uuid'],
    signature: 'x-gitlab-token',
    isToken: true,
  },
  BITBUCKET: { event: 'x-event-key', delivery: ['x-request-uuid', 'x-request-id'], signature: 'x-hub-signature' },
  SVN: { event: 'x-cyclone-event', delivery: ['x-cyclone-delivery'], signature: 'x-hub-signature-256' },
  GIT: { event: 'x-cyclone-event', delivery: ['x-cyclone-delivery'], signature: 'x-hub-signature-256' },
};

export function isWebhookType(type: IntegrationType): boolean {
  return type in HEADERS;
}

export function isAuthentic(type: IntegrationType, headers: Headers, body: Buffer, secret: string): boolean {
  const names = HEADERS[type];
  if (!names) return false;
  const value = headers[names.signature];
  return names.isToken ? isValidToken(secret, value) : isValidHmacSignature(body, secret, value);
}

/** The server's delivery id; without one (older GitLab), the body's SHA-256 stands in. */
export function deliveryIdOf(type: IntegrationType, headers: Headers, body: Buffer): string {
  for (const name of HEADERS[type]?.delivery ?? []) {
    const value = headers[name]?.trim();
    if (value) return value.slice(0, 200);
  }
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

export function eventOf(type: IntegrationType, headers: Headers): string {
  return (headers[HEADERS[type]?.event ?? ''] ?? '').trim().slice(0, 100);
}

export function normalizeDelivery(
  type: IntegrationType,
  event: string,
  body: Record<string, unknown>,
): NormalizedDelivery {
  switch (type) {
    case 'GITHUB':
      return normalizeGitHub(event, body);
    case 'GITLAB':
      return normalizeGitLab(event, body);
    case 'BITBUCKET':
      return normalizeBitbucket(event, body);
    default:
      return normalizeHook(event, body);
  }
}
