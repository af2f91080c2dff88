import {
  type OutboundAnswer,
  type OutboundOptions,
  outboundRequest,
  type TlsSettings,
} from '../outbound/outbound-http.js';
import { CheckError, hostOf, networkError } from './check-result.js';

export type { TlsSettings };
export type HttpOptions = OutboundOptions;
export type HttpAnswer = OutboundAnswer;

/**
 * One HTTP(S) exchange through the outbound client (modules/outbound: the policy
 * applies to every connection); failures become CheckErrors classified by stage
 * (DNS, CONNECT, TLS, RESPONSE), timeouts naming the step they struck in.
 */
export async function httpRequest(url: string, options: HttpOptions): Promise<HttpAnswer> {
  try {
    return await outboundRequest(url, {
      ...options,
      headers: { 'user-agent': 'cyclone-integration-check', ...options.headers },
    });
  } catch (error) {
    throw networkError(error, hostOf(url));
  }
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
