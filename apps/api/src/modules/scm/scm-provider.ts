import { AppError } from '../../errors/app-error.js';
/**
 * One interface over the SCM servers Cyclone talks to. Repositories are named the
 * way each server names them: "owner/name" (GitHub), "group/sub/project" (GitLab),
 * "PROJECT/repo" (Bitbucket Server), "workspace/repo" (Bitbucket Cloud); for SVN and
 * plain Git a URL or a path under the integration's server.
 */
export interface ScmProvider {
  readonly kind: ScmKind;
  listRepos(): Promise<ScmRepo[]>;
  listBranches(repo: string): Promise<ScmRef[]>;
  listTags(repo: string): Promise<ScmRef[]>;
  listPullRequests(repo: string): Promise<ScmPullRequest[]>;
  /** Registers `url` for push, tag and pull request events, signed with `secret`. */
  createWebhook(repo: string, hook: { url: string; secret: string }): Promise<ScmWebhook>;
  /** Removes a hook createWebhook made; a hook that is already gone is not an error. */
  deleteWebhook(repo: string, hookId: string): Promise<void>;
  setCommitStatus(repo: string, sha: string, status: ScmCommitStatus): Promise<void>;
  getPullRequestHeadSha(repo: string, number: number): Promise<string>;
  /**
   * The text of the file at `path` (relative to the repository root; SVN: to the
   * repository URL, e.g. `trunk/.cyclone.yaml`) at commit `ref` (SVN: revision), or
   * undefined when the file does not exist there (at most MAX_SCM_FILE_BYTES).
   */
  getFile(repo: string, path: string, ref: string): Promise<string | undefined>;
  /**
   * Whether the user may push to the repository (GitHub: write, maintain or admin;
   * GitLab: Developer or above). Servers that cannot say leave it out; comment
   * triggers then rely on their allow list alone.
   */
  hasWriteAccess?(repo: string, user: { login: string; id?: number }): Promise<boolean>;
}

/** Files read through getFile are pipeline definitions: anything larger is refused. */
export const MAX_SCM_FILE_BYTES = 1024 * 1024;

export type ScmKind = 'GITHUB' | 'GITLAB' | 'BITBUCKET_SERVER' | 'BITBUCKET_CLOUD' | 'SVN' | 'GIT';

export interface ScmRepo {
  /** The name triggers use for `repo`. */
  name: string;
  defaultBranch?: string;
  cloneUrl?: string;
}

export interface ScmRef {
  name: string;
  /** Commit SHA (Git) or revision number (SVN). */
  revision: string;
}

export interface ScmPullRequest {
  number: number;
  title: string;
  sourceBranch: string;
  targetBranch: string;
  headSha: string;
}

export interface ScmWebhook {
  /** The server's id of the hook; empty when the server has no hook API (SVN, Git). */
  id: string;
  /** For SVN and plain Git: the hook script to install on the server by hand. */
  script?: string;
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface ScmCommitStatus {
  state: CommitState;
  /** Link to the run page. */
  targetUrl: string;
  description: string;
  /** Name of the check, e.g. "cyclone/ci". */
  context: string;
}

/** What went wrong talking to an SCM server, with the HTTP status when there was one. */
export class ScmError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ScmError';
  }
}

/** What a tenant sees when an integration's SCM server failed a read made for it, naming the input `field`. */
export function scmServerFailure(integration: string, error: ScmError, field: string): AppError {
  return new AppError('BAD_USER_INPUT', `SCM server of integration "${integration}" failed: ${error.message}`, {
    field,
    status: error.status,
  });
}
