import { HookScriptProvider } from './hook-script-provider.js';
import { svnPostCommitScript } from './hook-scripts.js';
import { repoUrl, runTool } from './run-tool.js';
import { MAX_SCM_FILE_BYTES, ScmError, type ScmProvider, type ScmRef } from './scm-provider.js';

export interface SvnLogEntry {
  revision: string;
  author: string;
  date: string;
  message: string;
}

/**
 * Subversion through the `svn` client, with the standard layout: trunk and
 * branches/* are branches, tags/* are tags. Webhooks come from the post-commit hook
 * script (hook-scripts.ts); SVN has no pull requests or commit statuses.
 */
export class SvnProvider extends HookScriptProvider implements ScmProvider {
  readonly kind = 'SVN' as const;
  protected readonly serverName = 'Subversion';

  async listBranches(repo: string): Promise<ScmRef[]> {
    const top = await this.list(repoUrl(this.options.server, repo));
    const trunk = top.filter((e) => e.name === 'trunk');
    const branches = top.some((e) => e.name === 'branches') ? await this.list(`${this.url(repo)}/branches`) : [];
    return [...trunk, ...branches];
  }

  async listTags(repo: string): Promise<ScmRef[]> {
    const top = await this.list(this.url(repo));
    return top.some((e) => e.name === 'tags') ? this.list(`${this.url(repo)}/tags`) : [];
  }

  /** The newest `limit` commits, newest first. */
  async log(repo: string, limit = 20): Promise<SvnLogEntry[]> {
    const xml = await this.svn(['log', '--xml', '-l', String(limit), this.url(repo)]);
    return [...xml.matchAll(/<logentry\s+revision="(\d+)">([\s\S]*?)<\/logentry>/g)].map(([, revision, body]) => ({
      revision: revision as string,
      author: unescapeXml(/<author>([\s\S]*?)<\/author>/.exec(body as string)?.[1] ?? ''),
      date: /<date>([\s\S]*?)<\/date>/.exec(body as string)?.[1] ?? '',
      message: unescapeXml(/<msg>([\s\S]*?)<\/msg>/.exec(body as string)?.[1] ?? ''),
    }));
  }

  protected hookScript(hook: { url: string; repo: string }): string {
    return svnPostCommitScript(hook);
  }

  /** `svn cat <url>/<path>@<revision>`; a path that does not exist there is undefined. */
  async getFile(repo: string, path: string, ref: string): Promise<string | undefined> {
    if (!/^\d+$/.test(ref)) throw new ScmError(`"${ref}" is not an SVN revision number`);
    try {
      const text = await this.svn(['cat', `${this.url(repo)}/${path.replace(/^\/+/, '')}@${ref}`]);
      if (Buffer.byteLength(text) > MAX_SCM_FILE_BYTES) {
        throw new ScmError(`${path} is larger than ${MAX_SCM_FILE_BYTES} bytes`);
      }
      return text;
    } catch (error) {
      // E160013 / W160013: path not found; E195012: not a file at that revision.
      if (error instanceof ScmError && /[EW]160013|E195012|E200009/.test(error.message)) return undefined;
      throw error;
    }
  }

  private url(repo: string): string {
    return repoUrl(this.options.server, repo).replace(/\/+$/, '');
  }

  /** Directories directly under `url`, each with its last changed revision. */
  private async list(url: string): Promise<ScmRef[]> {
    const xml = await this.svn(['list', '--xml', url]);
    return [...xml.matchAll(/<entry\s+kind="dir">\s*<name>([\s\S]*?)<\/name>[\s\S]*?<commit\s+revision="(\d+)">/g)].map(
      ([, name, revision]) => ({ name: unescapeXml(name as string), revision: revision as string }),
    );
  }

  private svn(args: string[]): Promise<string> {
    const auth = this.options.username
      ? ['--username', this.options.username, ...(this.options.password ? ['--password-from-stdin'] : [])]
      : [];
    return runTool('svn', ['--non-interactive', '--no-auth-cache', ...auth, ...args], {
      stdin: this.options.password ? `${this.options.password}\n` : undefined,
      redact: [this.options.password ?? ''],
    });
  }
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
