/** One thing that happened in a repository, whichever server reported it. */
export interface ScmEvent {
  kind: 'push' | 'tag' | 'pull_request' | 'pull_request_comment';
  /** The repository as triggers name it (see scm-provider.ts). */
  repo: string;
  /** refs/heads/<branch>, refs/tags/<tag>, or refs/pull/<n>/head for pull requests. */
  ref: string;
  branch?: string;
  tag?: string;
  /** Commit SHA (SVN: revision number); empty for a comment until looked up. */
  sha: string;
  pullRequest?: PullRequestInfo;
  comment?: string;
  /** Who caused the event: a pull request's author, or the commenter. */
  sender?: EventSender;
}

export interface PullRequestInfo {
  number: number;
  sourceBranch: string;
  targetBranch: string;
  action: string;
  /** The repository the changes come from, when the payload names it. */
  sourceRepo?: string;
  /** True when the changes come from another repository (a fork); undefined when the payload does not say. */
  isFork?: boolean;
}

export interface EventSender {
  /** The server's user name (GitHub login, GitLab username, Bitbucket name or nickname). */
  login: string;
  /** GitLab's user id, to ask the server about the user's access. */
  id?: number;
  /** GitHub's author_association (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, …); other servers send none. */
  association?: string;
}

export interface NormalizedDelivery {
  /** What the server called the event, e.g. "push", "Merge Request Hook". */
  event: string;
  events: ScmEvent[];
  /** Why nothing here can start a run (ping, closed pull request, deleted branch, …). */
  ignoredReason?: string;
}
