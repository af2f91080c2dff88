import { basicAuth, type HttpAnswer, httpRequest, joinUrl, parseJson } from './check-http-client.js';
import { CheckError, hostOf, statusError } from './check-result.js';

export interface RegistrySettings {
  /** Base URL, e.g. https://registry.example.com or https://registry-1.docker.io */
  server: string;
  username?: string;
  /** Password or token. */
  password?: string;
  timeoutMs: number;
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** At most this many pages are followed (catalogs of huge registries are cut, not exhausted). */
const MAX_PAGES = 50;

/**
 * A Docker Registry HTTP API v2 client (distribution, Harbor, Docker Hub). Anonymous
 * first; on 401 it follows the challenge: Basic with the configured credentials, or
 * Bearer per Docker's token authentication spec (GET realm?service&scope with Basic
 * credentials when there are some, then retry with the token; tokens are kept per scope).
 */
export class RegistryClient {
  private readonly tokens = new Map<string, string>();
  private useBasic = false;

  constructor(private readonly settings: RegistrySettings) {}

  /** GET /v2/: reachable, speaks v2, and the credentials are accepted. */
  async ping(): Promise<string> {
    const answer = await this.get('/v2/', '');
    if (answer.status !== 200) throw statusError(answer.status, this.what);
    const version = answer.headers['docker-distribution-api-version'];
    return `${this.what} answered the v2 API${version ? ` (${version})` : ''}${this.settings.username ? ` as ${this.settings.username}` : ''}`;
  }

  /** Every repository in the catalog, following `Link: <…>; rel="next"` pages. */
  async listRepositories(pageSize = 100, limit = 1000): Promise<string[]> {
    return this.paged(`/v2/_catalog?n=${pageSize}`, 'registry:catalog:*', 'repositories', limit);
  }

  async listTags(repository: string, pageSize = 100, limit = 1000): Promise<string[]> {
    checkRepositoryName(repository);
    return this.paged(`/v2/${repository}/tags/list?n=${pageSize}`, `repository:${repository}:pull`, 'tags', limit);
  }

  /** HEAD of the manifest: true when the tag (or digest) exists. */
  async hasTag(repository: string, reference: string): Promise<boolean> {
    checkRepositoryName(repository);
    const answer = await this.get(
      `/v2/${repository}/manifests/${encodeURIComponent(reference)}`,
      `repository:${repository}:pull`,
      {
        method: 'HEAD',
        accept: MANIFEST_TYPES,
      },
    );
    if (answer.status === 200) return true;
    if (answer.status === 404) return false;
    throw statusError(answer.status, this.what);
  }

  private get what(): string {
    return `registry ${hostOf(this.settings.server)}`;
  }

  private async paged(first: string, scope: string, key: 'repositories' | 'tags', limit: number): Promise<string[]> {
    const items: string[] = [];
    let path: string | undefined = first;
    for (let page = 0; path && page < MAX_PAGES && items.length < limit; page += 1) {
      const answer = await this.get(path, scope);
      if (answer.status === 404 && key === 'tags')
        throw new CheckError('RESPONSE', `${this.what} has no repository "${first.split('/')[2]}"`, 'NOT_FOUND');
      if (answer.status !== 200) throw statusError(answer.status, this.what);
      const body = parseJson<Record<string, unknown>>(answer, this.what);
      const list = body[key];
      if (list !== null && list !== undefined && !Array.isArray(list)) {
        throw new CheckError('RESPONSE', `${this.what} answered without a "${key}" list`, 'BAD_BODY');
      }
      items.push(...((list as string[] | null) ?? []));
      path = nextLink(answer.headers.link);
    }
    return items.slice(0, limit);
  }

  private async get(
    path: string,
    scope: string,
    options: { method?: string; accept?: string } = {},
  ): Promise<HttpAnswer> {
    const url = path.startsWith('http') ? path : joinUrl(this.settings.server, path);
    const send = () =>
      httpRequest(url, {
        method: options.method,
        timeoutMs: this.settings.timeoutMs,
        headers: { ...(options.accept ? { accept: options.accept } : {}), ...this.authHeader(scope) },
      });
    const answer = await send();
    if (answer.status !== 401) return answer;
    const challenge = parseChallenge(String(answer.headers['www-authenticate'] ?? ''));
    if (challenge?.scheme === 'basic') {
      if (this.useBasic || !this.settings.username) return answer;
      this.useBasic = true;
      return send();
    }
    if (challenge?.scheme === 'bearer' && challenge.params.realm && !this.tokens.has(scope)) {
      this.tokens.set(scope, await this.fetchToken(challenge.params, scope));
      return send();
    }
    return answer;
  }

  private authHeader(scope: string): Record<string, string> {
    const token = this.tokens.get(scope);
    if (token) return { authorization: `Bearer ${token}` };
    if (this.useBasic && this.settings.username) {
      return { authorization: basicAuth(this.settings.username, this.settings.password ?? '') };
    }
    return {};
  }

  private async fetchToken(params: Record<string, string>, fallbackScope: string): Promise<string> {
    const realm = new URL(params.realm as string);
    if (params.service) realm.searchParams.set('service', params.service);
    const scope = params.scope ?? fallbackScope;
    if (scope) realm.searchParams.set('scope', scope);
    const { username, password } = this.settings;
    const answer = await httpRequest(realm.toString(), {
      timeoutMs: this.settings.timeoutMs,
      headers: username ? { authorization: basicAuth(username, password ?? '') } : {},
    });
    const what = `token service ${realm.host}`;
    if (answer.status !== 200) throw statusError(answer.status, what);
    const body = parseJson<{ token?: string; access_token?: string }>(answer, what);
    const token = body.token ?? body.access_token;
    if (!token) throw new CheckError('AUTH', `${what} answered without a token`, 'NO_TOKEN');
    return token;
  }
}

/** `Bearer realm="…",service="…",scope="…"` → {scheme: 'bearer', params}. */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*(\w+)\s*(.*)$/.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of (match[2] ?? '').matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[(key as string).toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
  }
  return { scheme: (match[1] as string).toLowerCase(), params };
}

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(', ') : header;
  const match = text ? /<([^>]+)>\s*;\s*rel="?next"?/i.exec(text) : null;
  return match?.[1];
}

function checkRepositoryName(repository: string): void {
  // Distribution's grammar: path components of [a-z0-9] separated by ., _, __, - or /.
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) {
    throw new CheckError('RESPONSE', `"${repository}" is not a valid repository name`, 'BAD_NAME');
  }
}
