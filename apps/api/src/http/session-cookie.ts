import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse, serialize } from 'cookie';

/**
 * The web's session lives in an httpOnly cookie, out of reach of page scripts; the CLI
 * and tools keep sending `Authorization: Bearer`. A cookie is honoured only on
 * same-origin requests (SameSite=Strict, and the Origin / Sec-Fetch-Site checks below),
 * so another site can neither send it nor ride on it (CSRF); Apollo's CSRF prevention
 * also refuses "simple" cross-site requests on /graphql.
 */
export const SESSION_COOKIE = 'cyclone_session';

/** Sets or clears the session cookie on one response. */
export interface SessionCookie {
  set(token: string, expiresAt: Date): void;
  clear(): void;
}

export function sessionCookieOf(res: ServerResponse, secure: boolean): SessionCookie {
  const write = (value: string, expires: Date) =>
    res.appendHeader(
      'set-cookie',
      serialize(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires }),
    );
  return {
    set: (token, expiresAt) => write(token, expiresAt),
    clear: () => write('', new Date(0)),
  };
}

/**
 * The `Authorization` value a request stands for: its own header if it has one, else
 * `Bearer <session cookie>` when the request is same-origin. Used for HTTP requests and
 * WebSocket upgrades alike.
 */
export function authorizationOf(req: IncomingMessage): string | undefined {
  if (req.headers.authorization) return req.headers.authorization;
  const token = req.headers.cookie ? parse(req.headers.cookie)[SESSION_COOKIE] : undefined;
  if (!token || !isSameOrigin(req)) return undefined;
  return `Bearer ${token}`;
}

/** Browsers say where a request comes from; a request from another site gets no cookie credential. */
function isSameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Lets every later reader of `authorization` (query cache, GraphQL, downloads) see the cookie's credential. */
export function adoptSessionCookie(req: IncomingMessage): void {
  const authorization = authorizationOf(req);
  if (authorization && !req.headers.authorization) req.headers.authorization = authorization;
}
