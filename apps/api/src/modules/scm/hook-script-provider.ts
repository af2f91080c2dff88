import { ScmError, type ScmKind, type ScmPullRequest, type ScmRepo, type ScmWebhook } from './scm-provider.js';

/**
 * What servers without an API (plain Git, Subversion) share: no repository listing, pull
 * requests or commit statuses, and a "webhook" that is a hook script for the server
 * (hook-scripts.ts) with nothing to delete on Cyclone's side.
 */
export abstract class HookScriptProvider {
  abstract readonly kind: ScmKind;
  /** How errors name the server, e.g. "Subversion". */
  protected abstract readonly serverName: string;

  constructor(protected readonly options: { server: string; username?: string; password?: string }) {}

  /** The script the server runs on each push or commit. */
  protected abstract hookScript(hook: { url: string; repo: string }): string;

  async listRepos(): Promise<ScmRepo[]> {
    return [];
  }

  async listPullRequests(): Promise<ScmPullRequest[]> {
    return [];
  }

  async createWebhook(repo: string, hook: { url: string; secret: string }): Promise<ScmWebhook> {
    return { id: '', script: this.hookScript({ url: hook.url, repo }) };
  }

  async deleteWebhook(): Promise<void> {}

  /** There is nowhere to show a commit status. */
  async setCommitStatus(): Promise<void> {}

  async getPullRequestHeadSha(): Promise<string> {
    throw new ScmError(`${this.serverName} has no pull requests`);
  }
}
