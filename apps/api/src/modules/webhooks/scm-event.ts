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
  pullRequest?: { number: number; sourceBranch: string; targetBranch: string; action: string };
  comment?: string;
}

export interface NormalizedDelivery {
  /** What the server called the event, e.g. "push", "Merge Request Hook". */
  event: string;
  events: ScmEvent[];
  /** Why nothing here can start a run (ping, closed pull request, deleted branch, …). */
  ignoredReason?: string;
}
