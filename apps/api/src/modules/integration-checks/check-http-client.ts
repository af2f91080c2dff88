import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { CheckError, type CheckStage, hostOf, networkError } from './check-result.js';

export interface TlsSettings {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** false only when the integration explicitly says so (e.g. kubeconfig insecure-skip-tls-verify). */
  rejectUnauthorized?: boolean;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The whole exchange, from DNS to the last byte of the body. */
  timeoutMs: number;
  tls?: TlsSettings;
  /** Larger bodies are cut (checks need a little JSON, not whole pages). */
  maxBytes?: number;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP(S) request with node:http, so every phase is observable: a timeout says
 * whether it struck during DNS, TCP connect, the TLS handshake or while waiting for
 * the answer, and errors are classified by stage (see CheckError).
 */
export function httpRequest(url: string, options: HttpOptions): Promise<HttpAnswer> {
  const target = new URL(url);
  const host = hostOf(url);
  const isHttps = target.protocol === 'https:';
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  let phase: CheckStage = isIP(hostname) ? 'CONNECT' : 'DNS';
  return new Promise<HttpAnswer>((resolve, reject) => {
    let isDone = false;
    const finish = (error: unknown, answer?: HttpAnswer) => {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      if (answer) resolve(answer);
      else reject(networkError(error, host));
    };
    const request = (isHttps ? https : http).request(target, {
      method: options.method ?? 'GET',
      headers: { 'user-agent': 'cyclone-integration-check', ...options.headers },
      agent: false,
      ...(isHttps ? tlsOptions(options.tls) : {}),
    });
    const timer = setTimeout(() => {
      const seconds = options.timeoutMs / 1000;
      const during: Record<CheckStage, string> = {
        DNS: 'resolving the name',
        CONNECT: 'connecting',
        TLS: 'the TLS handshake',
        AUTH: 'authenticating',
        RESPONSE: 'waiting for the answer',
      };
      finish(new CheckError(phase, `${host} did not answer within ${seconds} s (while ${during[phase]})`, 'TIMEOUT'));
      request.destroy();
    }, options.timeoutMs);
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
        }),
      );
      response.on('error', (error) => finish(error));
    });
    request.end(options.body);
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

/** `Authorization: Basic …` for a user and password (or token). */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** Joins a base URL and a path, keeping any path prefix of the base (e.g. GitHub Enterprise's /api/v3). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export function parseJson<T>(answer: HttpAnswer, what: string): T {
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    throw new CheckError('RESPONSE', `${what} did not answer with JSON (HTTP ${answer.status})`, 'NOT_JSON');
  }
}
