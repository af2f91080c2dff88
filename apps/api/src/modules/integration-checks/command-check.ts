import { execFile } from 'node:child_process';
import { outboundPolicy } from '../outbound/outbound-policy.js';
import { urlHost } from '../scm/run-tool.js';
import { toolEnvironment } from '../shared/tool-environment.js';
import { CheckError, type CheckStage, hostOf, networkError } from './check-result.js';

export interface RepositorySettings {
  /** Repository URL (GIT: http(s); SVN: http(s), svn://). */
  server: string;
  username?: string;
  password?: string;
  timeoutMs: number;
}

/** What git's and svn's error texts mean, most specific first. */
const CLASSES: { pattern: RegExp; stage: CheckStage; code: string; say: string }[] = [
  {
    pattern: /Could not resolve host|Unknown hostname|Name or service not known|E670002|E670008/i,
    stage: 'DNS',
    code: 'ENOTFOUND',
    say: 'DNS lookup failed',
  },
  {
    pattern: /SSL certificate|certificate verification|E230001|server certificate/i,
    stage: 'TLS',
    code: 'TLS',
    say: 'TLS error',
  },
  {
    pattern: /returned error: 403|E175013|forbidden/i,
    stage: 'AUTH',
    code: 'HTTP_403',
    say: 'access refused (403)',
  },
  {
    pattern:
      /Authentication failed|could not read Username|could not read Password|returned error: 401|terminal prompts disabled|E170001|E215004|No more credentials/i,
    stage: 'AUTH',
    code: 'HTTP_401',
    say: 'credentials rejected (401)',
  },
  // Last: svn prefixes every failure, auth ones too, with "E170013: Unable to connect".
  {
    pattern: /Connection refused|Failed to connect|E000111|Unable to connect/i,
    stage: 'CONNECT',
    code: 'ECONNREFUSED',
    say: 'connection refused',
  },
];

/** git's environment for a repository: no prompt, and the credentials as a header (never in argv). */
function gitEnvironment(settings: RepositorySettings): Record<string, string> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '/bin/false' };
  if (settings.password) {
    const credentials = Buffer.from(`${settings.username ?? 'git'}:${settings.password}`).toString('base64');
    Object.assign(env, {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${credentials}`,
    });
  }
  return env;
}

/** `git ls-remote <url>`: reachable, a repository, and readable with the credentials. */
export async function checkGitRemote(settings: RepositorySettings): Promise<string> {
  const output = await run(
    'git',
    ['-c', 'http.followRedirects=false', 'ls-remote', '--', settings.server],
    settings,
    gitEnvironment(settings),
  );
  const refs = output.split('\n').filter(Boolean).length;
  return `git ls-remote ${hostOf(settings.server)} listed ${refs} refs`;
}

/** `git ls-remote <url> <ref>`: whether the repository has a branch, tag or other ref of that name. */
export async function gitRefExists(settings: RepositorySettings, ref: string): Promise<boolean> {
  const output = await run(
    'git',
    ['-c', 'http.followRedirects=false', 'ls-remote', '--', settings.server, ref],
    settings,
    gitEnvironment(settings),
  );
  return output.trim() !== '';
}

/** `svn info <url>` with --password-from-stdin, so the password never appears in argv. */
export async function checkSvnInfo(settings: RepositorySettings): Promise<string> {
  const args = ['info', '--non-interactive', '--no-auth-cache'];
  if (settings.username) args.push('--username', settings.username);
  if (settings.password) args.push('--password-from-stdin');
  args.push('--', settings.server);
  const output = await run('svn', args, settings, {}, settings.password);
  const revision = /^Revision: (\d+)/m.exec(output)?.[1];
  return `svn info ${hostOf(settings.server)}: revision ${revision ?? '?'}`;
}

async function run(
  command: 'git' | 'svn',
  args: string[],
  settings: RepositorySettings,
  env: Record<string, string>,
  stdin?: string,
): Promise<string> {
  const host = hostOf(settings.server);
  // The tool connects on its own: its server's addresses pass the outbound policy first.
  const hostname = urlHost(settings.server);
  if (hostname === undefined) throw new CheckError('RESPONSE', `${settings.server} is not a URL`, 'BAD_URL');
  try {
    await outboundPolicy().resolveChecked(hostname);
  } catch (error) {
    throw networkError(error, host);
  }
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      {
        timeout: settings.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 4 * 1024 * 1024,
        env: toolEnvironment(env),
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if ((error as { killed?: boolean }).killed) {
          return reject(
            new CheckError('CONNECT', `${host} did not answer within ${settings.timeoutMs / 1000} s`, 'TIMEOUT'),
          );
        }
        const text = redact(stderr.trim() || error.message, settings.password);
        const known = CLASSES.find((c) => c.pattern.test(text));
        const last = text.split('\n').slice(-2).join(' ');
        reject(
          known
            ? new CheckError(known.stage, `${command}: ${host}: ${known.say}: ${last}`, known.code)
            : new CheckError('RESPONSE', `${command} failed on ${host}: ${last}`, 'COMMAND_FAILED'),
        );
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}

function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text;
}
