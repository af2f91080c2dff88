import { checkedText, collectPages, enc, encPath, JsonApi, splitRepo } from './scm-http-client.js';
import {
  type ScmCommitStatus,
  ScmError,
  type ScmProvider,
  type ScmPullRequest,
  type ScmRef,
  type ScmRepo,
  type ScmWebhook,
} from './scm-provider.js';

/** The REST base: api.github.com for github.com, `<server>/api/v3` for Enterprise. */
export function githubApiBase(server: string): string {
  const url = new URL(server);
  if (url.hostname === 'github.com' || url.hostname === 'api.github.com') return 'https://api.github.com';
  const base = server.replace(/\/+$/, '');
  return base.endsWith('/api/v3') ? base : `${base}/api/v3`;
}

interface GhRef {
  name: string;
  commit: { sha: string };
}
interface GhPull {
  number: number;
  title: string;
  head: { ref: string; sha: string };
  base: { ref: string };
}

/** GitHub REST v3 (github.com and Enterprise Server), token auth. */
export class GitHubProvider implements ScmProvider {
  readonly kind = 'GITHUB' as const;
  private readonly api: JsonApi;

  constructor(options: { server: string; token?: string }) {
    this.api = new JsonApi(githubApiBase(options.server), {
      'x-github-api-version': '2022-11-28',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    });
  }

  async listRepos(): Promise<ScmRepo[]> {
    const repos = await this.pages<{ full_name: string; default_branch: string; clone_url: string }>(
      '/user/repos?per_page=100',
    );
    return repos.map((r) => ({ name: r.full_name, defaultBranch: r.default_branch, cloneUrl: r.clone_url }));
  }

  async listBranches(repo: string): Promise<ScmRef[]> {
    return (await this.pages<GhRef>(`${this.repoPath(repo)}/branches?per_page=100`)).map(toRef);
  }

  async listTags(repo: string): Promise<ScmRef[]> {
    return (await this.pages<GhRef>(`${this.repoPath(repo)}/tags?per_page=100`)).map(toRef);
  }

  async listPullRequests(repo: string): Promise<ScmPullRequest[]> {
    const pulls = await this.pages<GhPull>(`${this.repoPath(repo)}/pulls?state=open&per_page=100`);
    return pulls.map((p) => ({
      number: p.number,
      title: p.title,
      sourceBranch: p.head.ref,
      targetBranch: p.base.ref,
      headSha: p.head.sha,
    }));
  }

  async createWebhook(repo: string, hook: { url: string; secret: string }): Promise<ScmWebhook> {
    const created = await this.api.post<{ id: number }>(`${this.repoPath(repo)}/hooks`, {
      name: 'web',
      active: true,
      events: ['push', 'pull_request', 'issue_comment'],
      config: { url: hook.url, content_type: 'json', secret: hook.secret, insecure_ssl: '0' },
    });
    return { id: String(created.id) };
  }

  deleteWebhook(repo: string, hookId: string): Promise<void> {
    return this.api.deleteIfPresent(`${this.repoPath(repo)}/hooks/${enc(hookId)}`);
  }

  async setCommitStatus(repo: string, sha: string, status: ScmCommitStatus): Promise<void> {
    await this.api.post(`${this.repoPath(repo)}/statuses/${enc(sha)}`, {
      state: status.state,
      target_url: status.targetUrl,
      description: status.description.slice(0, 140),
      context: status.context,
    });
  }

  async getPullRequestHeadSha(repo: string, number: number): Promise<string> {
    return (await this.api.get<GhPull>(`${this.repoPath(repo)}/pulls/${number}`)).head.sha;
  }

  /** Contents API: `GET /repos/{owner}/{repo}/contents/{path}?ref=` answers the file base64-encoded. */
  async getFile(repo: string, path: string, ref: string): Promise<string | undefined> {
    let file: { type?: string; encoding?: string; content?: string; size?: number };
    try {
      file = await this.api.get(`${this.repoPath(repo)}/contents/${encPath(path)}?ref=${enc(ref)}`);
    } catch (error) {
      if (error instanceof ScmError && error.status === 404) return undefined;
      throw error;
    }
    if (Array.isArray(file) || file.type !== 'file') return undefined;
    if (file.encoding !== 'base64' || file.content === undefined) {
      throw new ScmError(`${path} at ${ref} is ${file.size ?? '?'} bytes, too large for the contents API`);
    }
    return checkedText(Buffer.from(file.content, 'base64'), path);
  }

  /** `GET /repos/{owner}/{repo}/collaborators/{username}/permission`; an unknown user is 404. */
  async hasWriteAccess(repo: string, user: { login: string }): Promise<boolean> {
    try {
      const answer = await this.api.get<{ permission?: string; role_name?: string }>(
        `${this.repoPath(repo)}/collaborators/${enc(user.login)}/permission`,
      );
      // `permission` is the base level (maintain shows as write); `role_name` may be a custom role's.
      return [answer.permission, answer.role_name].some((level) =>
        ['admin', 'maintain', 'write'].includes(level ?? ''),
      );
    } catch (error) {
      if (error instanceof ScmError && error.status === 404) return false;
      throw error;
    }
  }

  private repoPath(repo: string): string {
    const { owner, name } = splitRepo(repo);
    return `/repos/${enc(owner)}/${enc(name)}`;
  }

  /** Follows `Link: <…>; rel="next"` for up to MAX_PAGES pages. */
  private pages<T>(path: string): Promise<T[]> {
    return collectPages(path, async (next) => {
      const response = await this.api.request<T[]>('GET', next);
      return { items: response.data, next: /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1] };
    });
  }
}

const toRef = (r: GhRef): ScmRef => ({ name: r.name, revision: r.commit.sha });
