import { execFile } from 'node:child_process';
import { outboundPolicy } from '../outbound/outbound-policy.js';
import { toolEnvironment } from '../shared/tool-environment.js';
import { ScmError } from './scm-provider.js';

const TOOL_TIMEOUT_MS = 30_000;

/**
 * Runs `git` or `svn` without a shell and without prompts, with a timeout. `stdin`
 * carries a password when the tool can read one there, so it never shows in `ps`.
 * The host of every URL argument must pass the outbound policy first (the tool
 * connects on its own), and git follows no redirects.
 */
export async function runTool(
  command: 'git' | 'svn',
  args: string[],
  options: { stdin?: string; env?: Record<string, string>; redact?: string[] } = {},
): Promise<string> {
  await checkUrlHosts(command, args);
  const toolArgs = command === 'git' ? ['-c', 'http.followRedirects=false', ...args] : args;
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      toolArgs,
      {
        timeout: TOOL_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        env: toolEnvironment(options.env),
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const hide = (text: string) =>
          (options.redact ?? []).filter(Boolean).reduce((t, secret) => t.split(secret).join('***'), text);
        const reason = (error as { killed?: boolean }).killed
          ? `no answer within ${TOOL_TIMEOUT_MS / 1000}s`
          : stderr.trim().split('\n').slice(-2).join(' ') || error.message;
        reject(
          new ScmError(
            `${command} ${hide(args.filter((a) => !a.startsWith('--password')).join(' '))} failed: ${hide(reason)}`,
          ),
        );
      },
    );
    // A tool that exits before reading stdin closes the pipe: that is no error of ours (EPIPE).
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.stdin ?? '');
  });
}

/** Refuses before running the tool when a URL argument's host is one the outbound policy refuses. */
async function checkUrlHosts(command: string, args: string[]): Promise<void> {
  for (const arg of args) {
    const host = urlHost(arg);
    if (host === undefined) continue;
    try {
      await outboundPolicy().resolveChecked(host);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EOUTBOUND_REFUSED') throw new ScmError(`${command}: ${(error as Error).message}`);
      // A name that cannot be checked is not handed to the tool either.
      throw new ScmError(`${command}: could not resolve ${host} (${code ?? 'DNS error'})`);
    }
  }
}

/** The host of a `scheme://host/…` argument (credentials in the URL ignored), if it is one. */
export function urlHost(arg: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(arg)) return undefined;
  try {
    return new URL(arg).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** A repository given by URL, or as a path under the integration's server. */
export function repoUrl(server: string, repo: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo)) return repo;
  return `${server.replace(/\/+$/, '')}/${repo.replace(/^\/+/, '')}`;
}
