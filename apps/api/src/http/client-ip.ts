import type { IncomingMessage } from 'node:http';

/**
 * The address of the client behind `trustedHops` proxies. Each proxy appends the
 * address it received the request from to X-Forwarded-For, so only the last
 * `trustedHops` entries were written by proxies we trust; anything further left may
 * be forged by the client. With 0 hops the header is ignored.
 */
export function resolveClientIp(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedHops: number,
): string | undefined {
  const chain = [...parseForwardedFor(forwardedFor), remoteAddress].filter((a): a is string => Boolean(a));
  if (chain.length === 0) return undefined;
  const index = Math.max(0, chain.length - 1 - trustedHops);
  return normalizeAddress(chain[index] as string);
}

export function clientIpOf(request: IncomingMessage, trustedHops: number): string | undefined {
  return resolveClientIp(request.socket.remoteAddress, request.headers['x-forwarded-for'], trustedHops);
}

function parseForwardedFor(header: string | string[] | undefined): string[] {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  return values
    .flatMap((value) => value.split(','))
    .map((part) => part.trim())
    .filter(Boolean);
}

/** IPv4 clients of a dual-stack socket appear as `::ffff:a.b.c.d`. */
function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}
