import { MAX_SCM_FILE_BYTES, ScmError } from './scm-provider.js';

export const SCM_TIMEOUT_MS = 15_000;

export interface HttpAuth {
  headers: Record<string, string>;
}

/** Bearer token, a custom token header, or Basic user:password. */
export function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function basic(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

/**
 * A JSON API client over global fetch: every request has a timeout, and failures
 * become ScmErrors that say which server and what went wrong (never the credentials).
 */
export class JsonApi {
  constructor(
    private readonly base: string,
    private readonly headers: Record<string, string>,
    private readonly timeoutMs = SCM_TIMEOUT_MS,
  ) {}

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; data: T; headers: Headers }> {
    const url = /^https?:\/\//.test(path) ? path : `${this.base}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...this.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'follow',
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs / 1000}s` : networkReason(error);
      throw new ScmError(`${method} ${redact(url)} failed: ${reason}`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new ScmError(
        `${method} ${redact(url)} answered ${response.status}: ${describeError(text)}`,
        response.status,
      );
    }
    let data: unknown;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        throw new ScmError(`${method} ${redact(url)} answered ${response.status} with a body that is not JSON`);
      }
    }
    return { status: response.status, data: data as T, headers: response.headers };
  }

  async get<T>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).data;
  }

  /** GET of a raw file: undefined on 404; larger than MAX_SCM_FILE_BYTES is an error. */
  async getText(path: string): Promise<string | undefined> {
    const url = `${this.base}${path}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs / 1000}s` : networkReason(error);
      throw new ScmError(`GET ${redact(url)} failed: ${reason}`);
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.status === 404) return undefined;
    if (!response.ok) {
      throw new ScmError(
        `GET ${redact(url)} answered ${response.status}: ${describeError(bytes.toString('utf8'))}`,
        response.status,
      );
    }
    return checkedText(bytes, path);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('POST', path, body)).data;
  }

  /** DELETE where 404 means "already gone". */
  async deleteIfPresent(path: string): Promise<void> {
    try {
      await this.request('DELETE', path);
    } catch (error) {
      if (error instanceof ScmError && error.status === 404) return;
      throw error;
    }
  }
}

/** undici hides the system error (ECONNREFUSED, ENOTFOUND, certificate problems) in `cause`. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (error as Error).message;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

function describeError(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const message =
      body.message ??
      body.error_description ??
      (body.error as { message?: string } | undefined)?.message ??
      (body.errors as { message?: string }[] | undefined)?.[0]?.message ??
      body.error;
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // not JSON
  }
  return text.slice(0, 200) || 'no body';
}

/** Splits "owner/name" (the last segment is the name; GitLab groups may nest). */
export function splitRepo(repo: string): { owner: string; name: string } {
  const index = repo.lastIndexOf('/');
  if (index <= 0 || index === repo.length - 1) {
    throw new ScmError(`repository "${repo}" must look like "owner/name"`);
  }
  return { owner: repo.slice(0, index), name: repo.slice(index + 1) };
}

export const enc = encodeURIComponent;

/** A file path for a URL: each segment encoded, the slashes kept. */
export const encPath = (path: string) => path.replace(/^\/+/, '').split('/').map(enc).join('/');

/** File bytes as UTF-8 text, refusing what is too large to be a pipeline definition. */
export function checkedText(bytes: Buffer, what: string): string {
  if (bytes.length > MAX_SCM_FILE_BYTES) {
    throw new ScmError(`${what} is ${bytes.length} bytes; at most ${MAX_SCM_FILE_BYTES} are read`);
  }
  return bytes.toString('utf8');
}
