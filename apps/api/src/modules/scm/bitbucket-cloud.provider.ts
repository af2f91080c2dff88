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
  next?: string;
}
interface BbcRef {
  name: string;
  target: { hash: string };
}
interface BbcPull {
  id: number;
  title: string;
  source: { branch: { name: string }; commit: { hash: string } };
  destination: { branch: { name: string } };
}

const BUILD_STATE: Record<CommitState, string> = {
  pending: 'INPROGRESS',
  success: 'SUCCESSFUL',
  failure: 'FAILED',
  error: 'STOPPED',
};

/** The API base of Bitbucket Cloud for a configured server. */
export function bitbucketCloudApiBase(server: string): string {
  const url = new URL(server);
  if (url.hostname === 'bitbucket.org' || url.hostname === 'api.bitbucket.org') return 'https://api.bitbucket.org/2.0';
  return server.replace(/\/+$/, '');
}

/** Whether a BITBUCKET integration's server is Bitbucket Cloud (else Bitbucket Server). */
export function isBitbucketCloud(server: string): boolean {
  const url = new URL(server);
  return url.hostname === 'bitbucket.org' || url.hostname === 'api.bitbucket.org' || /\/2\.0\/?$/.test(url.pathname);
}

/** Bitbucket Cloud REST 2.0; a repository is "workspace/slug". */
export class BitbucketCloudProvider implements ScmProvider {
  readonly kind = 'BITBUCKET_CLOUD' as const;
  private readonly api: JsonApi;

  constructor(options: { server: string; headers: Record<string, string> }) {
    this.api = new JsonApi(bitbucketCloudApiBase(options.server), options.headers);
  }

  async listRepos(): Promise<ScmRepo[]> {
    const repos = await this.pages<{
      full_name: string;
      mainbranch?: { name: string };
      links?: { clone?: { href: string; name: string }[] };
    }>('/repositories?role=member&pagelen=100');
    return repos.map((r) => ({
      name: r.full_name,
      defaultBranch: r.mainbranch?.name,
      cloneUrl: r.links?.clone?.find((c) => c.name === 'https')?.href,
    }));
  }

  async listBranches(repo: string): Promise<ScmRef[]> {
    return (await this.pages<BbcRef>(`${repoPath(repo)}/refs/branches?pagelen=100`)).map(toRef);
  }

  async listTags(repo: string): Promise<ScmRef[]> {
    return (await this.pages<BbcRef>(`${repoPath(repo)}/refs/tags?pagelen=100`)).map(toRef);
  }

  async listPullRequests(repo: string): Promise<ScmPullRequest[]> {
    const pulls = await this.pages<BbcPull>(`${repoPath(repo)}/pullrequests?state=OPEN&pagelen=50`);
    return pulls.map((p) => ({
      number: p.id,
      title: p.title,
      sourceBranch: p.source.branch.name,
      targetBranch: p.destination.branch.name,
      headSha: p.source.commit.hash,
    }));
  }

  async createWebhook(repo: string, hook: { url: string; secret: string }): Promise<ScmWebhook> {
    const created = await this.api.post<{ uuid: string }>(`${repoPath(repo)}/hooks`, {
      description: 'cyclone',
      url: hook.url,
      active: true,
      secret: hook.secret,
      events: ['repo:push', 'pullrequest:created', 'pullrequest:updated', 'pullrequest:comment_created'],
    });
    return { id: created.uuid };
  }

  deleteWebhook(repo: string, hookId: string): Promise<void> {
    return this.api.deleteIfPresent(`${repoPath(repo)}/hooks/${enc(hookId)}`);
  }

  async setCommitStatus(repo: string, sha: string, status: ScmCommitStatus): Promise<void> {
    await this.api.post(`${repoPath(repo)}/commit/${enc(sha)}/statuses/build`, {
      state: BUILD_STATE[status.state],
      key: status.context,
      name: status.context,
      url: status.targetUrl,
      description: status.description,
    });
  }

  async getPullRequestHeadSha(repo: string, number: number): Promise<string> {
    return (await this.api.get<BbcPull>(`${repoPath(repo)}/pullrequests/${number}`)).source.commit.hash;
  }

  /** Raw file content: `GET /repositories/{workspace}/{slug}/src/{commit}/{path}`. */
  getFile(repo: string, path: string, ref: string): Promise<string | undefined> {
    return this.api.getText(`${repoPath(repo)}/src/${enc(ref)}/${encPath(path)}`);
  }

  /** Follows the `next` link of each page. */
  private pages<T>(path: string): Promise<T[]> {
    return collectPages(path, async (next) => {
      const page = await this.api.get<Paged<T>>(next);
      return { items: page.values, next: page.next || undefined };
    });
  }
}

function repoPath(repo: string): string {
  const { owner, name } = splitRepo(repo);
  return `/repositories/${enc(owner)}/${enc(name)}`;
}
const toRef = (r: BbcRef): ScmRef => ({ name: r.name, revision: r.target.hash });
