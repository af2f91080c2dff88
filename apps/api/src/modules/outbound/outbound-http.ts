import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { type OutboundPolicy, outboundPolicy } from './outbound-policy.js';

/** Where an exchange was when it failed or ran out of time. */
export type OutboundPhase = 'DNS' | 'CONNECT' | 'TLS' | 'RESPONSE';

export interface TlsSettings {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** false only when the integration explicitly says so (e.g. kubeconfig insecure-skip-tls-verify). */
  rejectUnauthorized?: boolean;
}

export interface OutboundOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A stream is sent as it flows (chunked unless the headers give its length); it cannot follow a redirect. */
  body?: string | Buffer | Readable;
  /** The whole exchange, redirects included, from DNS to the last byte of the body. */
  timeoutMs: number;
  tls?: TlsSettings;
  /** Bytes of the body kept (default 1 MB); the rest is read and dropped, `size` tells the whole. */
  maxBytes?: number;
  /** `follow`: up to 5 redirects, each one through the policy again; default `manual` (answered as is). */
  redirect?: 'follow' | 'manual';
  /** Default: the process's policy (installed at boot). */
  policy?: OutboundPolicy;
}

export interface OutboundAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Bytes the server sent (body may hold fewer, see maxBytes). */
  size: number;
  /** Where the answer came from (after redirects). */
  url: string;
}

/** The exchange ran out of time; `phase` says during which step. */
export class OutboundTimeoutError extends Error {
  readonly code = 'TIMEOUT';

  constructor(
    readonly phase: OutboundPhase,
    host: string,
    timeoutMs: number,
  ) {
    const during: Record<OutboundPhase, string> = {
      DNS: 'resolving the name',
      CONNECT: 'connecting',
      TLS: 'the TLS handshake',
      RESPONSE: 'waiting for the answer',
    };
    super(`${host} did not answer within ${timeoutMs / 1000} s (while ${during[phase]})`);
    this.name = 'OutboundTimeoutError';
  }
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Credentials that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'private-token', 'cookie', 'proxy-authorization'];

/**
 * The one HTTP(S) client for calls made on behalf of a tenant (integration checks,
 * registries, SCM APIs, webhook registration, commit statuses, notifications,
 * Kubernetes servers). Every connection goes through the outbound policy: names are
 * resolved and checked before a socket opens, IP literals are checked as given,
 * and every redirect hop is a new exchange checked the same way.
 */
export async function outboundRequest(url: string, options: OutboundOptions): Promise<OutboundAnswer> {
  const deadline = Date.now() + options.timeoutMs;
  let target = new URL(url);
  let method = (options.method ?? 'GET').toUpperCase();
  let body = options.body;
  let headers = { ...options.headers };
  for (let hop = 0; ; hop += 1) {
    const answer = await exchange(target, { ...options, method, body, headers }, deadline);
    const location = answer.headers.location;
    const isStream = body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body);
    if (options.redirect !== 'follow' || isStream || !REDIRECTS.has(answer.status) || !location) return answer;
    if (hop >= MAX_REDIRECTS) {
      throw Object.assign(new Error(`${target.host} redirected more than ${MAX_REDIRECTS} times`), {
        code: 'TOO_MANY_REDIRECTS',
      });
    }
    const next = new URL(location, target);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw Object.assign(new Error(`${target.host} redirected to a ${next.protocol} URL`), { code: 'BAD_REDIRECT' });
    }
    if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      headers = withoutHeaders(headers, ['content-type', 'content-length']);
    }
    if (next.origin !== target.origin) headers = withoutHeaders(headers, CREDENTIAL_HEADERS);
    target = next;
  }
}

function exchange(
  target: URL,
  options: OutboundOptions & { method: string },
  deadline: number,
): Promise<OutboundAnswer> {
  const policy = options.policy ?? outboundPolicy();
  const isHttps = target.protocol === 'https:';
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  // Names are checked by the lookup below; literals never reach a lookup.
  policy.checkLiteral(hostname);
  let phase: OutboundPhase = isIP(hostname) ? 'CONNECT' : 'DNS';
  const timeoutMs = Math.max(deadline - Date.now(), 1);
  return new Promise<OutboundAnswer>((resolve, reject) => {
    let isDone = false;
    const finish = (error: unknown, answer?: OutboundAnswer) => {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      if (answer) resolve(answer);
      else reject(error);
    };
    const request = (isHttps ? https : http).request(target, {
      method: options.method,
      headers: { 'user-agent': 'cyclone', ...options.headers },
      agent: false,
      lookup: policy.lookup,
      ...(isHttps ? tlsOptions(options.tls) : {}),
    });
    const timer = setTimeout(() => {
      // The message names the configured limit, not what was left of it on this hop.
      finish(new OutboundTimeoutError(phase, target.host, options.timeoutMs));
      request.destroy();
    }, timeoutMs);
    request.on('socket', (socket) => {
      socket.once('lookup', () => {
        if (phase === 'DNS') phase = 'CONNECT';
      });
      socket.once('connect', () => {
        phase = isHttps ? 'TLS' : 'RESPONSE';
      });
      socket.once('secureConnect', () => {
        phase = 'RESPONSE';
      });
    });
    request.on('error', (error) => finish(error));
    request.on('response', (response) => {
      phase = 'RESPONSE';
      const chunks: Buffer[] = [];
      let size = 0;
      const max = options.maxBytes ?? 1_000_000;
      response.on('data', (chunk: Buffer) => {
        if (size < max) chunks.push(chunk.subarray(0, max - size));
        size += chunk.length;
      });
      response.on('end', () =>
        finish(undefined, {
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          size,
          url: target.toString(),
        }),
      );
      response.on('error', (error) => finish(error));
    });
    const { body } = options;
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
      request.end(body);
      return;
    }
    body.once('error', (error) => {
      finish(error);
      request.destroy();
    });
    body.pipe(request);
  });
}

function tlsOptions(tls: TlsSettings | undefined): https.RequestOptions {
  if (!tls) return {};
  return {
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  };
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => !names.includes(key.toLowerCase())));
}

/** `404: Not Found`: the status and its standard reason, never the server's own text or body. */
export function statusText(status: number): string {
  return `${status}: ${http.STATUS_CODES[status] ?? 'Unknown'}`;
}
