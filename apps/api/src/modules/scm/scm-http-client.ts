import type { IncomingHttpHeaders } from 'node:http';
import { type OutboundAnswer, OutboundTimeoutError, outboundRequest, statusText } from '../outbound/outbound-http.js';
import { OutboundRefusedError } from '../outbound/outbound-policy.js';
import { MAX_SCM_FILE_BYTES, ScmError } from './scm-provider.js';

export const SCM_TIMEOUT_MS = 15_000;

/** How many pages a listing reads at most: a larger one is cut there rather than waited for. */
export const MAX_PAGES = 10;

/**
 * The items of up to MAX_PAGES pages, each read by `readPage` at a cursor, which tells
 * the next page's cursor (undefined after the last page).
 */
export async function collectPages<T, C>(
  first: C,
  readPage: (cursor: C) => Promise<{ items: T[]; next: C | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: C | undefined = first;
  for (let count = 0; cursor !== undefined && count < MAX_PAGES; count++) {
    const page: { items: T[]; next: C | undefined } = await readPage(cursor);
    items.push(...page.items);
    cursor = page.next;
  }
  return items;
}

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

/** Largest JSON answer read from an SCM API (a page of repositories, branches, …). */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

/**
 * A JSON API client over the outbound client (modules/outbound: the outbound policy
 * applies to every connection and redirect): every request has a timeout, and
 * failures become ScmErrors that say which server and what went wrong, with the
 * status and its standard reason only (never the credentials, never the body).
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
    const answer = await this.send(method, url, MAX_JSON_BYTES, {
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...this.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (answer.status < 200 || answer.status >= 300) {
      throw new ScmError(`${method} ${redact(url)} answered ${statusText(answer.status)}`, answer.status);
    }
    if (answer.size > MAX_JSON_BYTES) {
      throw new ScmError(`${method} ${redact(url)} answered more than ${MAX_JSON_BYTES} bytes`);
    }
    let data: unknown;
    if (answer.body) {
      try {
        data = JSON.parse(answer.body);
      } catch {
        throw new ScmError(`${method} ${redact(url)} answered ${answer.status} with a body that is not JSON`);
      }
    }
    return { status: answer.status, data: data as T, headers: toHeaders(answer.headers) };
  }

  async get<T>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).data;
  }

  /** GET of a raw file: undefined on 404; larger than MAX_SCM_FILE_BYTES is an error. */
  async getText(path: string): Promise<string | undefined> {
    const url = `${this.base}${path}`;
    const answer = await this.send('GET', url, MAX_SCM_FILE_BYTES, { headers: this.headers });
    if (answer.status === 404) return undefined;
    if (answer.status < 200 || answer.status >= 300) {
      throw new ScmError(`GET ${redact(url)} answered ${statusText(answer.status)}`, answer.status);
    }
    if (answer.size > MAX_SCM_FILE_BYTES) {
      throw new ScmError(`${path} is ${answer.size} bytes; at most ${MAX_SCM_FILE_BYTES} are read`);
    }
    return answer.body;
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

  private async send(
    method: string,
    url: string,
    maxBytes: number,
    options: { headers: Record<string, string>; body?: string },
  ): Promise<OutboundAnswer> {
    try {
      return await outboundRequest(url, {
        method,
        ...options,
        timeoutMs: this.timeoutMs,
        maxBytes: maxBytes + 1,
        redirect: 'follow',
      });
    } catch (error) {
      throw new ScmError(`${method} ${redact(url)} failed: ${networkReason(error, this.timeoutMs)}`);
    }
  }
}

/** The system error (ECONNREFUSED, ENOTFOUND, a TLS code), a timeout, or the outbound policy's refusal. */
function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof OutboundRefusedError) return error.message;
  if (error instanceof OutboundTimeoutError) return `no answer within ${timeoutMs / 1000}s`;
  const { code, message } = error as { code?: string; message?: string };
  return code ?? message ?? String(error);
}

function toHeaders(headers: IncomingHttpHeaders): Headers {
  const result = new Headers();
  for (const [key, value] of Object.entries(headers)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) result.append(key, item);
  }
  return result;
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
