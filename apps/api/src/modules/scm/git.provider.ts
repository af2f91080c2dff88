import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HookScriptProvider } from './hook-script-provider.js';
import { gitPostReceiveScript } from './hook-scripts.js';
import { repoUrl, runTool } from './run-tool.js';
import { MAX_SCM_FILE_BYTES, ScmError, type ScmProvider, type ScmRef } from './scm-provider.js';

/**
 * A plain Git server (git http-backend, ssh, file://): branches and tags come from
 * `git ls-remote`. It has no API for repositories, pull requests, hooks or commit
 * statuses; webhooks come from the post-receive hook script (hook-scripts.ts).
 */
export class GitProvider extends HookScriptProvider implements ScmProvider {
  readonly kind = 'GIT' as const;
  protected readonly serverName = 'a plain Git server';

  listBranches(repo: string): Promise<ScmRef[]> {
    return this.lsRemote(repo, '--heads', 'refs/heads/');
  }

  listTags(repo: string): Promise<ScmRef[]> {
    return this.lsRemote(repo, '--tags', 'refs/tags/');
  }

  protected hookScript(hook: { url: string; repo: string }): string {
    return gitPostReceiveScript(hook);
  }

  /**
   * Fetches just that commit (depth 1) into a throw-away repository and reads the
   * file from it. Servers that refuse a want by SHA (protocol v0 without
   * uploadpack.allowReachableSHA1InWant) get a fetch of their branches and tags instead.
   */
  async getFile(repo: string, path: string, ref: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(ref)) throw new ScmError(`"${ref}" is not a commit SHA`);
    const url = this.authenticatedUrl(repoUrl(this.options.server, repo));
    const redact = [this.options.password ?? '', url];
    const dir = await mkdtemp(join(tmpdir(), 'cyclone-git-'));
    const git = (args: string[]) => runTool('git', ['-C', dir, '-c', 'credential.helper=', ...args], { redact });
    try {
      await git(['init', '-q']);
      try {
        await git(['fetch', '-q', '--no-tags', '--depth', '1', url, ref]);
      } catch {
        await git(['fetch', '-q', url, '+refs/heads/*:refs/remotes/h/*', '+refs/tags/*:refs/remotes/t/*']);
      }
      const spec = `${ref}:${path.replace(/^\/+/, '')}`;
      const type = await git(['cat-file', '-t', spec]).catch(() => '');
      if (type.trim() !== 'blob') return undefined;
      const size = Number((await git(['cat-file', '-s', spec])).trim());
      if (size > MAX_SCM_FILE_BYTES)
        throw new ScmError(`${path} is ${size} bytes; at most ${MAX_SCM_FILE_BYTES} are read`);
      return await git(['cat-file', 'blob', spec]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async lsRemote(repo: string, flag: string, prefix: string): Promise<ScmRef[]> {
    const url = this.authenticatedUrl(repoUrl(this.options.server, repo));
    const out = await runTool('git', ['-c', 'credential.helper=', 'ls-remote', flag, url], {
      redact: [this.options.password ?? '', url],
    });
    const refs = new Map<string, string>();
    for (const line of out.split('\n')) {
      const [sha, ref] = line.split('\t');
      if (!sha || !ref?.startsWith(prefix)) continue;
      // An annotated tag is listed twice; the peeled "^{}" line names the commit.
      if (ref.endsWith('^{}')) refs.set(ref.slice(prefix.length, -3), sha);
      else if (!refs.has(ref.slice(prefix.length))) refs.set(ref.slice(prefix.length), sha);
    }
    return [...refs].map(([name, revision]) => ({ name, revision })).sort((a, b) => a.name.localeCompare(b.name));
  }

  private authenticatedUrl(url: string): string {
    if (!this.options.password || !/^https?:\/\//.test(url)) return url;
    const parsed = new URL(url);
    parsed.username = this.options.username ?? 'git';
    parsed.password = this.options.password;
    return parsed.toString();
  }
}
