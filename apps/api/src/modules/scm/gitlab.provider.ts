import { collectPages, enc, JsonApi } from './scm-http-client.js';
import {
  type CommitState,
  type ScmCommitStatus,
  ScmError,
  type ScmProvider,
  type ScmPullRequest,
  type ScmRef,
  type ScmRepo,
  type ScmWebhook,
} from './scm-provider.js';

/** GitLab's Developer role: the lowest that may push. */
const DEVELOPER_ACCESS = 30;

interface GlRef {
  name: string;
  commit: { id: string };
}
interface GlMergeRequest {
  iid: number;
  title: string;
  source_branch: string;
  target_branch: string;
  sha: string;
}

/** GitLab's commit status names. */
const GITLAB_STATE: Record<CommitState, string> = {
  pending: 'pending',
  success: 'success',
  failure: 'failed',
  error: 'canceled',
};

/** GitLab REST v4 (≥ 8.13.6), with a personal or project access token. */
export class GitLabProvider implements ScmProvider {
  readonly kind = 'GITLAB' as const;
  private readonly api: JsonApi;

  constructor(options: { server: string; token?: string }) {
    const base = `${options.server.replace(/\/+$/, '')}/api/v4`;
    this.api = new JsonApi(base, options.token ? { 'private-token': options.token } : {});
  }

  async listRepos(): Promise<ScmRepo[]> {
    const projects = await this.pages<{
      path_with_namespace: string;
      default_branch?: string;
      http_url_to_repo: string;
    }>('/projects?membership=true&simple=true&per_page=100');
    return projects.map((p) => ({
      name: p.path_with_namespace,
      defaultBranch: p.default_branch ?? undefined,
      cloneUrl: p.http_url_to_repo,
    }));
  }

  async listBranches(repo: string): Promise<ScmRef[]> {
    return (await this.pages<GlRef>(`${projectPath(repo)}/repository/branches?per_page=100`)).map(toRef);
  }

  async listTags(repo: string): Promise<ScmRef[]> {
    return (await this.pages<GlRef>(`${projectPath(repo)}/repository/tags?per_page=100`)).map(toRef);
  }

  async listPullRequests(repo: string): Promise<ScmPullRequest[]> {
    const requests = await this.pages<GlMergeRequest>(`${projectPath(repo)}/merge_requests?state=opened&per_page=100`);
    return requests.map((m) => ({
      number: m.iid,
      title: m.title,
      sourceBranch: m.source_branch,
      targetBranch: m.target_branch,
      headSha: m.sha,
    }));
  }

  async createWebhook(repo: string, hook: { url: string; secret: string }): Promise<ScmWebhook> {
    const created = await this.api.post<{ id: number }>(`${projectPath(repo)}/hooks`, {
      url: hook.url,
      token: hook.secret,
      push_events: true,
      tag_push_events: true,
      merge_requests_events: true,
      note_events: true,
      enable_ssl_verification: true,
    });
    return { id: String(created.id) };
  }

  deleteWebhook(repo: string, hookId: string): Promise<void> {
    return this.api.deleteIfPresent(`${projectPath(repo)}/hooks/${enc(hookId)}`);
  }

  async setCommitStatus(repo: string, sha: string, status: ScmCommitStatus): Promise<void> {
    await this.api.post(`${projectPath(repo)}/statuses/${enc(sha)}`, {
      state: GITLAB_STATE[status.state],
      target_url: status.targetUrl,
      description: status.description.slice(0, 255),
      name: status.context,
    });
  }

  async getPullRequestHeadSha(repo: string, number: number): Promise<string> {
    return (await this.api.get<GlMergeRequest>(`${projectPath(repo)}/merge_requests/${number}`)).sha;
  }

  /** Repository files API: `GET /projects/:id/repository/files/:file_path/raw?ref=` (the path URL-encoded whole). */
  getFile(repo: string, path: string, ref: string): Promise<string | undefined> {
    const file = enc(path.replace(/^\/+/, ''));
    return this.api.getText(`${projectPath(repo)}/repository/files/${file}/raw?ref=${enc(ref)}`);
  }

  /**
   * `GET /projects/:id/members/all/:user_id` (inherited memberships included): Developer
   * or above may push. A user who is no member is 404; without the user's id (the
   * payload names it) nothing is asked.
   */
  async hasWriteAccess(repo: string, user: { login: string; id?: number }): Promise<boolean> {
    if (!user.id) return false;
    try {
      const member = await this.api.get<{ access_level?: number; state?: string }>(
        `${projectPath(repo)}/members/all/${user.id}`,
      );
      return (member.access_level ?? 0) >= DEVELOPER_ACCESS && (member.state ?? 'active') === 'active';
    } catch (error) {
      if (error instanceof ScmError && error.status === 404) return false;
      throw error;
    }
  }

  /** Follows GitLab's X-Next-Page header. */
  private pages<T>(path: string): Promise<T[]> {
    const separator = path.includes('?') ? '&' : '?';
    return collectPages('1', async (page) => {
      const response = await this.api.request<T[]>('GET', `${path}${separator}page=${page}`);
      return { items: response.data, next: response.headers.get('x-next-page') || undefined };
    });
  }
}

/** A project is addressed by its URL-encoded full path, e.g. group%2Fsub%2Fproject. */
const projectPath = (repo: string) => `/projects/${enc(repo)}`;
const toRef = (r: GlRef): ScmRef => ({ name: r.name, revision: r.commit.id });
