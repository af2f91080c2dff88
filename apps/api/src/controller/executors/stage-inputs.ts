import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { ArtifactStore } from '../../modules/artifacts/artifact-store.js';
import { outboundPolicy } from '../../modules/outbound/outbound-policy.js';
import type { LogWriter } from './log-writer.js';

/** A Git or Svn resource a stage takes, resolved for this run. */
export interface ResourcePull {
  name: string;
  type: 'Git' | 'Svn';
  url: string;
  /** Git: branch, tag, SHA or ref (empty: the default branch). Svn: a revision number (empty: HEAD). */
  revision: string;
  /** Where the stage sees it (a container path; see workspacePath). */
  path: string;
  auth?: { username: string; password: string };
}

/** A stored artifact a stage takes. */
export interface ArtifactInput {
  name: string;
  path: string;
  storageKey: string;
  isDirectory: boolean;
}

const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const LOCK_POLL_MS = 100;
/** Pulls in flight in this process, by target folder: stages of one run share one. */
const pullsInFlight = new Map<string, Promise<void>>();

/**
 * A container path in the run workspace: the workspace plays the container's root,
 * so `/workspace/src` is `<workspace>/workspace/src` and `src` is `<workspace>/src`.
 * A path that climbs out (`..`) is refused.
 */
export function workspacePath(workspace: string, path: string): string {
  const inside = resolve(workspace, path.replace(/^\/+/, ''));
  const rel = relative(workspace, inside);
  if (rel.startsWith('..') || resolve(workspace, rel) !== inside) {
    throw new Error(`path "${path}" leaves the run workspace`);
  }
  return inside;
}

/**
 * Places a stage's inputs in the run workspace before its command starts: resources
 * first (pulled once per run), then artifacts, in the order the stage lists them;
 * then makes sure the working directory exists. Errors name the input.
 */
export async function prepareInputs(
  launch: {
    resources?: readonly ResourcePull[];
    artifacts?: readonly ArtifactInput[];
    workingDir?: string;
  },
  workspace: string,
  store: ArtifactStore,
  writer: LogWriter,
  signal: AbortSignal,
): Promise<void> {
  for (const pull of launch.resources ?? []) {
    try {
      await provideResource(workspace, pull, writer, signal);
    } catch (error) {
      throw new Error(`resource "${pull.name}": ${(error as Error).message}`);
    }
  }
  for (const artifact of launch.artifacts ?? []) {
    signal.throwIfAborted();
    try {
      await provideArtifact(workspace, artifact, store, writer);
    } catch (error) {
      throw new Error(`artifact "${artifact.name}": ${(error as Error).message}`);
    }
  }
  await mkdir(workspacePath(workspace, launch.workingDir ?? '.'), { recursive: true });
}

/**
 * Pulls a resource once per run into `<workspace>/.cyclone/resources/<name>`, then
 * links it at the stage's path. Stages starting together (in this process or in
 * another controller on this host) share one pull: the first takes a lock folder, the
 * others wait for its `.ready` marker; a lock left by a dead process is taken over.
 */
export async function provideResource(
  workspace: string,
  pull: ResourcePull,
  writer: LogWriter,
  signal: AbortSignal,
): Promise<void> {
  const shared = join(workspace, '.cyclone', 'resources', pull.name);
  await ensurePulled(shared, pull, writer, signal);
  await place(shared, workspacePath(workspace, pull.path), pull.path);
}

export async function provideArtifact(
  workspace: string,
  artifact: ArtifactInput,
  store: ArtifactStore,
  writer: LogWriter,
): Promise<void> {
  const target = workspacePath(workspace, artifact.path);
  writer.line('STDOUT', `[cyclone] restoring artifact "${artifact.name}" at ${artifact.path}`);
  await rm(target, { recursive: true, force: true });
  await store.restore(artifact.storageKey, target, artifact.isDirectory);
}

async function ensurePulled(shared: string, pull: ResourcePull, writer: LogWriter, signal: AbortSignal) {
  const ready = `${shared}.ready`;
  const lock = `${shared}.lock`;
  await mkdir(dirname(shared), { recursive: true });
  for (;;) {
    signal.throwIfAborted();
    if (existsSync(ready)) {
      writer.line('STDOUT', `[cyclone] resource "${pull.name}" is already pulled for this run`);
      return;
    }
    const inFlight = pullsInFlight.get(shared);
    if (inFlight) {
      // Another stage's pull; if it fails or is stopped, look again (and maybe pull ourselves).
      await inFlight.catch(() => undefined);
      continue;
    }
    if (await tryLock(lock)) {
      const pulling = pullUnderLock(shared, ready, lock, pull, writer, signal);
      pullsInFlight.set(shared, pulling);
      try {
        await pulling;
        return;
      } finally {
        pullsInFlight.delete(shared);
      }
    }
    await sleep(LOCK_POLL_MS);
  }
}

async function pullUnderLock(
  shared: string,
  ready: string,
  lock: string,
  pull: ResourcePull,
  writer: LogWriter,
  signal: AbortSignal,
) {
  try {
    await rm(shared, { recursive: true, force: true });
    // Where the tool may go: the outbound policy, as for any call made for a tenant.
    await outboundPolicy().checkRepositoryUrl(pull.url);
    if (pull.type === 'Git') await pullGit(shared, pull, writer, signal);
    else await pullSvn(shared, pull, writer, signal);
    await writeFile(ready, `${new Date().toISOString()}\n`);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function tryLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = await readFile(join(lock, 'owner'), 'utf8').catch(() => '');
    const [host, pid] = owner.trim().split(' ');
    // A lock whose owner died is stale; one without an owner yet is being taken right now.
    if (host === hostname() && pid && !isAlive(Number(pid))) await rm(lock, { recursive: true, force: true });
    return false;
  }
  await writeFile(join(lock, 'owner'), `${hostname()} ${process.pid}\n`);
  return true;
}

async function pullGit(dir: string, pull: ResourcePull, writer: LogWriter, signal: AbortSignal) {
  const shown = pull.revision || 'the default branch';
  writer.line('STDOUT', `[cyclone] pulling Git resource "${pull.name}" (${pull.url}) at ${shown}`);
  const env = toolEnv(
    dir,
    pull.auth && { CYCLONE_GIT_USERNAME: pull.auth.username, CYCLONE_GIT_PASSWORD: pull.auth.password },
  );
  // Credentials come from a helper reading the environment: never in a URL, an argument or .git/config.
  const helper = [
    '-c',
    'credential.helper=',
    '-c',
    'credential.helper=!f() { test "$1" = get || exit 0; echo "username=$CYCLONE_GIT_USERNAME"; echo "password=$CYCLONE_GIT_PASSWORD"; }; f',
  ];
  // Checked above; no transport that runs commands, and no hop to this machine's repositories.
  const protocols = [
    '-c',
    'protocol.ext.allow=never',
    ...(outboundPolicy().allowsLocalRepositories ? [] : ['-c', 'protocol.file.allow=never']),
  ];
  const git = (args: string[]) =>
    runTool('git', [...protocols, ...(pull.auth ? helper : []), ...args], { env, writer, signal });
  await mkdir(dir, { recursive: true });
  await git(['init', '-q', dir]);
  await git(['-C', dir, 'remote', 'add', 'origin', pull.url]);
  const revision = pull.revision || 'HEAD';
  try {
    await git(['-C', dir, 'fetch', '--depth', '1', 'origin', revision]);
    await git(['-C', dir, 'checkout', '-q', '--detach', 'FETCH_HEAD']);
  } catch (error) {
    // Servers that refuse a SHA in a shallow fetch still serve it in a full one.
    if (!/^[0-9a-f]{7,40}$/i.test(revision) || signal.aborted) throw error;
    await git(['-C', dir, 'fetch', '--tags', 'origin']);
    await git(['-C', dir, 'checkout', '-q', '--detach', revision]);
  }
  await git(['-C', dir, 'log', '-1', '--format=[cyclone] checked out %H %s']);
}

async function pullSvn(dir: string, pull: ResourcePull, writer: LogWriter, signal: AbortSignal) {
  if (!(await hasProgram('svn'))) {
    writer.line('STDERR', `[cyclone] svn is not installed on this machine: Svn resource "${pull.name}" is skipped`);
    await mkdir(dir, { recursive: true });
    return;
  }
  writer.line(
    'STDOUT',
    `[cyclone] checking out Svn resource "${pull.name}" (${pull.url}) at ${pull.revision || 'HEAD'}`,
  );
  const args = ['checkout', '--non-interactive', '--no-auth-cache', '--config-dir', join(dir, '..', '.svn-config')];
  if (pull.revision) args.push('-r', pull.revision);
  if (pull.auth) args.push('--username', pull.auth.username, '--password-from-stdin');
  args.push(pull.url, dir);
  await runTool('svn', args, {
    env: toolEnv(dir),
    writer,
    signal,
    input: pull.auth ? `${pull.auth.password}\n` : undefined,
  });
}

function toolEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: BASE_PATH,
    HOME: join(dir, '..', '.home'),
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
}

/** Runs a tool in its own process group, its output going to the stage's log; killed on abort. */
function runTool(
  program: string,
  args: string[],
  options: { env: Record<string, string>; writer: LogWriter; signal: AbortSignal; input?: string },
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    options.signal.throwIfAborted();
    const child: ChildProcess = spawn(program, args, {
      env: options.env,
      detached: true,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    options.writer.follow(child.stdout as NodeJS.ReadableStream as never, 'STDOUT');
    options.writer.follow(child.stderr as NodeJS.ReadableStream as never, 'STDERR', (line) => {
      lines.push(line);
      if (lines.length > 3) lines.shift();
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    const abort = () => {
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    };
    options.signal.addEventListener('abort', abort, { once: true });
    child.once('error', (error) => {
      options.signal.removeEventListener('abort', abort);
      reject(new Error(`${program} could not start: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      options.signal.removeEventListener('abort', abort);
      if (code === 0) resolvePromise();
      else {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        const last = lines.at(-1);
        reject(new Error(`${program} ${subcommand(args)} failed (${why})${last ? `: ${last}` : ''}`));
      }
    });
  });
}

/** The tool's subcommand (`fetch`, `checkout`) for messages: the first word after options and their values. */
function subcommand(args: string[]): string {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '-c' || arg === '-C') i += 1;
    else if (!arg.startsWith('-')) return arg;
  }
  return '';
}

async function hasProgram(program: string): Promise<boolean> {
  for (const dir of BASE_PATH.split(':')) {
    if (existsSync(join(dir, program))) return true;
  }
  return false;
}

/** Links the shared copy at the stage's path; an empty folder there is replaced. */
async function place(shared: string, target: string, shown: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  // Relative, so the link holds wherever the workspace is mounted (a container sees it at /workspace).
  const link = relative(dirname(target), shared);
  const found = await lstat(target).catch(() => undefined);
  if (found?.isSymbolicLink()) {
    if ((await readlink(target)) === link) return;
    throw new Error(`${shown} already holds another resource in this run's workspace`);
  }
  if (found?.isDirectory() && (await readdir(target)).length === 0) await rmdir(target);
  else if (found) throw new Error(`${shown} already exists in this run's workspace`);
  await symlink(link, target, 'dir');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
