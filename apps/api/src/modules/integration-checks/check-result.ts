import { OutboundTimeoutError } from '../outbound/outbound-http.js';
import { OutboundRefusedError } from '../outbound/outbound-policy.js';

/** Where a check of an external system stopped: name resolution, TCP, TLS, credentials or the answer. */
export type CheckStage = 'DNS' | 'CONNECT' | 'TLS' | 'AUTH' | 'RESPONSE';

export interface CheckResult {
  ok: boolean;
  /** The stage that failed; RESPONSE when everything passed. */
  stage: CheckStage;
  message: string;
  /** Machine-readable reason: ENOTFOUND, ECONNREFUSED, TIMEOUT, HTTP_401, a TLS code, OK … */
  code: string;
  latencyMs: number;
}

/** A failed step of a check, with the stage it failed in. Thrown by the clients, turned into a CheckResult. */
export class CheckError extends Error {
  constructor(
    readonly stage: CheckStage,
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'CheckError';
  }
}

const TLS_CODES =
  /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|DEPTH_ZERO|HOSTNAME|ALTNAME|EPROTO|ERR_SSL/i;

/** Classifies a Node network error (fetch cause, http request error) by stage. */
export function networkError(error: unknown, host: string): CheckError {
  if (error instanceof CheckError) return error;
  if (error instanceof OutboundRefusedError) return new CheckError('CONNECT', error.message, 'OUTBOUND_REFUSED');
  if (error instanceof OutboundTimeoutError) return new CheckError(error.phase, error.message, 'TIMEOUT');
  const code = String((error as { code?: unknown }).code ?? '');
  const message = (error as Error).message ?? String(error);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new CheckError('DNS', `DNS lookup of ${host} failed (${code})`, code);
  }
  if (code === 'ECONNREFUSED') return new CheckError('CONNECT', `${host} refused the connection`, code);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new CheckError('CONNECT', `${host} is unreachable (${code})`, code);
  }
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(message)) {
    return new CheckError('TLS', `TLS error talking to ${host}: ${message}`, code || 'TLS');
  }
  if (code === 'ECONNRESET') return new CheckError('CONNECT', `${host} closed the connection`, code);
  return new CheckError('CONNECT', `could not reach ${host}: ${message}`, code || 'NETWORK');
}

/** The outcome of an HTTP status: 401 and 403 are AUTH failures, other errors RESPONSE failures. */
export function statusError(status: number, what: string, detail = ''): CheckError {
  const suffix = detail ? `: ${detail}` : '';
  if (status === 401) return new CheckError('AUTH', `${what} rejected the credentials (HTTP 401)${suffix}`, 'HTTP_401');
  if (status === 403) {
    return new CheckError('AUTH', `${what} refused access with these credentials (HTTP 403)${suffix}`, 'HTTP_403');
  }
  return new CheckError('RESPONSE', `${what} answered HTTP ${status}${suffix}`, `HTTP_${status}`);
}

/** Runs a check and times it; a thrown CheckError (or network error) becomes a failed result. */
export async function timed(host: string, check: () => Promise<string>): Promise<CheckResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const message = await check();
    return { ok: true, stage: 'RESPONSE', code: 'OK', message, latencyMs: latency() };
  } catch (error) {
    const failure = networkError(error, host);
    return { ok: false, stage: failure.stage, code: failure.code, message: failure.message, latencyMs: latency() };
  }
}

export function hostOf(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}
