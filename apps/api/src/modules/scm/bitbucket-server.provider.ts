import { collectPages, enc, encPath, JsonApi, splitRepo } from './scm-http-client.js';
import type {
  CommitState,
  ScmCommitStatus,
  ScmProvider,
  ScmPullRequest,
  ScmRef,
  ScmRepo,
  ScmWebhook,
} from './scm-provider.js';

interface Paged<T> {
  values: T[];
  isLastPage: boolean;
  nextPageStart?: number;
}
interface BbsRef {
  displayId: string;
  latestCommit: string;
}
interface BbsPull {
  id: number;
  title: string;
  fromRef: BbsRef;
  toRef: BbsRef;
}

const BUILD_STATE: Record<CommitState, string> = {
  pending: 'INPROGRESS',
  success: 'SUCCESSFUL',
  failure: 'FAILED',
  error: 'FAILED',
};

/**
 * Bitbucket Server / Data Center REST 1.0 (≥ 5.0; repository webhooks need 5.4). A
 * repository is "PROJECT/slug". HTTP access tokens go in as Bearer, otherwise Basic
 * username:password.
 */
export class BitbucketServerProvider implements ScmProvider {
  readonly kind = 'BITBUCKET_SERVER' as const;
  private readonly api: JsonApi;
  private readonly status: JsonApi;

  constructor(options: { server: string; headers: Record<string, string> }) {
    const server = options.server.replace(/\/+$/, '');
    this.api = new JsonApi(`${server}/rest/api/1.0`, options.headers);
    this.status = new JsonApi(`${server}/rest/build-status/1.0`, options.headers);
  }

  async listRepos(): Promise<ScmRepo[]> {
    const repos = await this.pages<{
      slug: string;
      project: { key: string };
      links?: { clone?: { href: string; name: string }[] };
    }>('/repos');
    return repos.map((r) => ({
      name: `${r.project.key}/${r.slug}`,
      cloneUrl: r.links?.clone?.find((c) => c.name === 'http')?.href,
    }));
  }

  async listBranches(repo: string): Promise<ScmRef[]> {
    return (await this.pages<BbsRef>(`${repoPath(repo)}/branches`)).map(toRef);
  }

  async listTags(repo: string): Promise<ScmRef[]> {
    return (await this.pages<BbsRef>(`${repoPath(repo)}/tags`)).map(toRef);
  }

  async listPullRequests(repo: string): Promise<ScmPullRequest[]> {
    const pulls = await this.pages<BbsPull>(`${repoPath(repo)}/pull-requests?state=OPEN`);
    return pulls.map((p) => ({
      number: p.id,
      title: p.title,
      sourceBranch: p.fromRef.displayId,
      targetBranch: p.toRef.displayId,
      headSha: p.fromRef.latestCommit,
    }));
  }

  async createWebhook(repo: string, hook: { url: string; secret: string }): Promise<ScmWebhook> {
    const created = await this.api.post<{ id: number }>(`${repoPath(repo)}/webhooks`, {
      name: 'cyclone',
      url: hook.url,
      active: true,
      events: ['repo:refs_changed', 'pr:opened', 'pr:from_ref_updated', 'pr:comment:added'],
      configuration: { secret: hook.secret },
    });
    return { id: String(created.id) };
  }

  deleteWebhook(repo: string, hookId: string): Promise<void> {
    return this.api.deleteIfPresent(`${repoPath(repo)}/webhooks/${enc(hookId)}`);
  }

  async setCommitStatus(_repo: string, sha: string, status: ScmCommitStatus): Promise<void> {
    await this.status.post(`/commits/${enc(sha)}`, {
      state: BUILD_STATE[status.state],
      key: status.context,
      name: status.context,
      url: status.targetUrl,
      description: status.description,
    });
  }

  async getPullRequestHeadSha(repo: string, number: number): Promise<string> {
    return (await this.api.get<BbsPull>(`${repoPath(repo)}/pull-requests/${number}`)).fromRef.latestCommit;
  }

  /** Raw file content: `GET /projects/{key}/repos/{slug}/raw/{path}?at={commit}`. */
  getFile(repo: string, path: string, ref: string): Promise<string | undefined> {
    return this.api.getText(`${repoPath(repo)}/raw/${encPath(path)}?at=${enc(ref)}`);
  }

  /** Follows isLastPage / nextPageStart. */
  private pages<T>(path: string): Promise<T[]> {
    const separator = path.includes('?') ? '&' : '?';
    return collectPages(0, async (start) => {
      const page = await this.api.get<Paged<T>>(`${path}${separator}limit=100&start=${start}`);
      return { items: page.values, next: page.isLastPage ? undefined : page.nextPageStart };
    });
  }
}

function repoPath(repo: string): string {
  const { owner, name } = splitRepo(repo);
  return `/projects/${enc(owner)}/repos/${enc(name)}`;
}
const toRef = (r: BbsRef): ScmRef => ({ name: r.displayId, revision: r.latestCommit });
