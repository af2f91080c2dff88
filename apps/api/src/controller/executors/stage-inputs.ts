import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { ArtifactStore } from '../../modules/artifacts/artifact-store.js';
import { outboundPolicy } from '../../modules/outbound/outbound-policy.js';
import { tryLock } from './folder-lock.js';
import { type KeptResource, withKeptCopy } from './kept-resources.js';
import type { LogWriter } from './log-writer.js';
import { type StageHands, stageHands } from './stage-hands.js';
import { workspacePath, workspaceSegments } from './stage-paths.js';

export { workspacePath } from './stage-paths.js';

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
  /** A persistent resource: its copy is kept between runs (kept-resources.ts). */
  persistent?: KeptResource;
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

/** Where a run's inputs go: its workspace (the stage's) and a private folder of the API for pulls. */
export interface InputPlaces {
  workspace: string;
  /** Pull copies, locks and markers; never shown to a stage. */
  pulls: string;
  /** Kept copies of persistent resources; without it they are pulled afresh like any other. */
  kept?: string;
  /** Writes into the workspace as the stage would (default: plain processes of this user). */
  hands?: StageHands;
}

/**
 * Places a stage's inputs in the run workspace before its command starts: resources
 * first (pulled once per run), then artifacts, in the order the stage lists them.
 * Errors name the input. The working directory is made by the stage itself.
 */
export async function prepareInputs(
  launch: { resources?: readonly ResourcePull[]; artifacts?: readonly ArtifactInput[] },
  places: InputPlaces,
  store: ArtifactStore,
  writer: LogWriter,
  signal: AbortSignal,
): Promise<void> {
  for (const pull of launch.resources ?? []) {
    try {
      await provideResource(places, pull, writer, signal);
    } catch (error) {
      throw new Error(`resource "${pull.name}": ${(error as Error).message}`);
    }
  }
  for (const artifact of launch.artifacts ?? []) {
    signal.throwIfAborted();
    try {
      await provideArtifact(places, artifact, store, writer);
    } catch (error) {
      throw new Error(`artifact "${artifact.name}": ${(error as Error).message}`);
    }
  }
}

/**
 * Pulls a resource once per run (into `<pulls>/<name>`, a folder of the API) and
 * copies it into `<workspace>/.cyclone/resources/<name>`, then links it at the
 * stage's path with a relative link (so it resolves wherever the workspace is
 * seen). Stages starting together (in this process or in another controller on
 * this host) share one pull: the first takes a lock folder, the others wait for its
 * `.ready` marker; a lock left by a dead process is taken over. What lands in the
 * workspace is written as the stage (see StageHands).
 */
export async function provideResource(
  places: InputPlaces,
  pull: ResourcePull,
  writer: LogWriter,
  signal: AbortSignal,
): Promise<void> {
  const hands = places.hands ?? stageHands({ isolation: 'none' }, places.pulls, places.workspace);
  const installed = join(places.workspace, '.cyclone', 'resources', pull.name);
  await ensurePulled(places, installed, hands, pull, writer, signal);
  if (workspaceSegments(pull.path).length === 0) await copyToRoot(hands, places.workspace, installed, signal);
  else await place(hands, installed, workspacePath(places.workspace, pull.path), pull.path, signal);
}

export async function provideArtifact(
  places: InputPlaces,
  artifact: ArtifactInput,
  store: ArtifactStore,
  writer: LogWriter,
): Promise<void> {
  if (workspaceSegments(artifact.path).length === 0) {
    throw new Error(`${artifact.path} is the whole workspace: give the artifact a path inside it`);
  }
  const hands = places.hands ?? stageHands({ isolation: 'none' }, places.pulls, places.workspace);
  const target = hands.see(workspacePath(places.workspace, artifact.path));
  writer.line('STDOUT', `[cyclone] restoring artifact "${artifact.name}" at ${artifact.path}`);
  const script = artifact.isDirectory
    ? 'rm -rf -- "$1" && mkdir -p -- "$1" && tar -xf - -C "$1"'
    : 'rm -rf -- "$1" && mkdir -p -- "$(dirname -- "$1")" && cat > "$1" && chmod 755 -- "$1"';
  const { code, error } = await hands.run(script, [target], { stdin: await store.open(artifact.storageKey) });
  if (code !== 0) throw new Error(`could not restore it at ${artifact.path}: ${error || `exit code ${code}`}`);
}

async function ensurePulled(
  places: InputPlaces,
  installed: string,
  hands: StageHands,
  pull: ResourcePull,
  writer: LogWriter,
  signal: AbortSignal,
) {
  const shared = join(places.pulls, pull.name);
  const ready = `${shared}.ready`;
  const lock = `${shared}.lock`;
  await mkdir(places.pulls, { recursive: true });
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
      const install = () => installPull(hands, shared, installed, signal);
      const pulling = pullUnderLock({ ...places, shared, ready, lock }, pull, writer, signal, install);
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

/**
 * A pull of this run, under its lock: fresh into `shared`, or through the resource's
 * kept copy; `install` then copies `shared` into the workspace.
 */
async function pullUnderLock(
  at: { shared: string; ready: string; lock: string; kept?: string },
  pull: ResourcePull,
  writer: LogWriter,
  signal: AbortSignal,
  install: () => Promise<void>,
) {
  try {
    await rm(at.shared, { recursive: true, force: true });
    if (pull.persistent && at.kept) {
      // The kept copy stays the API's: the run's own copy of it is what the stage's user takes.
      const copy = async (kept: string) => {
        await mkdir(at.shared, { recursive: true });
        await runTool('cp', ['-a', '--', `${kept}/.`, at.shared], { signal });
      };
      const tools = { fetch: fetchResource, update: updateResource };
      await withKeptCopy(at.kept, pull, pull.persistent, writer, signal, tools, copy);
    } else {
      await fetchResource(at.shared, pull, writer, signal);
    }
    await install();
    await rm(at.shared, { recursive: true, force: true });
    await writeFile(at.ready, `${new Date().toISOString()}\n`);
  } finally {
    await rm(at.lock, { recursive: true, force: true });
  }
}

/** A whole pull into an empty `dir`, where the outbound policy allows it. */
async function fetchResource(dir: string, pull: ResourcePull, writer: LogWriter, signal: AbortSignal) {
  // Where the tool may go: the outbound policy, as for any call made for a tenant.
  await outboundPolicy().checkRepositoryUrl(pull.url);
  if (pull.type === 'Git') await pullGit(dir, pull, writer, signal);
  else await pullSvn(dir, pull, writer, signal);
}

/** Brings a kept copy to the revision asked for: only what changed is fetched. */
async function updateResource(dir: string, pull: ResourcePull, writer: LogWriter, signal: AbortSignal) {
  await outboundPolicy().checkRepositoryUrl(pull.url);
  if (pull.type === 'Git') await fetchGitRevision(dir, pull, writer, signal);
  else await updateSvn(dir, pull, writer, signal);
}

/** Copies a pull into the workspace as the stage (who must be able to read it: as root it is handed over first). */
async function installPull(hands: StageHands, source: string, installed: string, signal: AbortSignal) {
  if (hands.owner)
    await runTool('chown', ['-R', '-h', `${hands.owner.uid}:${hands.owner.gid}`, '--', source], { signal });
  const { code, error } = await hands.run(
    'rm -rf -- "$1" && mkdir -p -- "$1" && cp -pPR -- "$INPUT"/. "$1"/',
    [hands.see(installed)],
    { input: source, signal },
  );
  if (code !== 0) throw new Error(`could not copy it into the workspace: ${error || `exit code ${code}`}`);
}

async function pullGit(dir: string, pull: ResourcePull, writer: LogWriter, signal: AbortSignal) {
  const shown = pull.revision || 'the default branch';
  writer.line('STDOUT', `[cyclone] pulling Git resource "${pull.name}" (${pull.url}) at ${shown}`);
  const git = gitIn(dir, pull, writer, signal);
  await mkdir(dir, { recursive: true });
  await git(['init', '-q', dir]);
  await git(['-C', dir, 'remote', 'add', 'origin', pull.url]);
  await checkoutRevision(git, dir, pull, signal);
}

/** In a kept clone: fetches the revision (only the objects it lacks) and checks it out. */
async function fetchGitRevision(dir: string, pull: ResourcePull, writer: LogWriter, signal: AbortSignal) {
  writer.line('STDOUT', `[cyclone] fetching Git resource "${pull.name}" at ${pull.revision || 'the default branch'}`);
  await checkoutRevision(gitIn(dir, pull, writer, signal), dir, pull, signal);
}

/** git with the pull's credentials and the transports allowed; its output goes to the stage's log. */
function gitIn(dir: string, pull: ResourcePull, writer: LogWriter, signal: AbortSignal) {
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
  return (args: string[]) =>
    runTool('git', [...protocols, ...(pull.auth ? helper : []), ...args], { env, writer, signal });
}

async function checkoutRevision(
  git: (args: string[]) => Promise<void>,
  dir: string,
  pull: ResourcePull,
  signal: AbortSignal,
) {
  const revision = pull.revision || 'HEAD';
  try {
    await git(['-C', dir, 'fetch', '--depth', '1', 'origin', revision]);
    await git(['-C', dir, 'checkout', '-q', '--force', '--detach', 'FETCH_HEAD']);
  } catch (error) {
    // Servers that refuse a SHA in a shallow fetch still serve it in a full one.
    if (!/^[0-9a-f]{7,40}$/i.test(revision) || signal.aborted) throw error;
    await git(['-C', dir, 'fetch', '--tags', 'origin']);
    await git(['-C', dir, 'checkout', '-q', '--force', '--detach', revision]);
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

/** In a kept working copy: `svn update` to the revision asked for. */
async function updateSvn(dir: string, pull: ResourcePull, writer: LogWriter, signal: AbortSignal) {
  writer.line('STDOUT', `[cyclone] updating Svn resource "${pull.name}" to ${pull.revision || 'HEAD'}`);
  const args = ['update', '--non-interactive', '--no-auth-cache', '--config-dir', join(dir, '..', '.svn-config')];
  if (pull.revision) args.push('-r', pull.revision);
  if (pull.auth) args.push('--username', pull.auth.username, '--password-from-stdin');
  args.push(dir);
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
  options: { env?: Record<string, string>; writer?: LogWriter; signal: AbortSignal; input?: string },
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    options.signal.throwIfAborted();
    const child: ChildProcess = spawn(program, args, {
      env: options.env ?? { PATH: BASE_PATH, LANG: 'C' },
      detached: true,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const keep = (line: string) => {
      lines.push(line);
      if (lines.length > 3) lines.shift();
    };
    if (options.writer) {
      options.writer.follow(child.stdout as NodeJS.ReadableStream as never, 'STDOUT');
      options.writer.follow(child.stderr as NodeJS.ReadableStream as never, 'STDERR', keep);
    } else {
      child.stdout?.resume();
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach(keep));
    }
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

/**
 * Links the workspace copy at the stage's path, relatively (the link resolves the
 * same on the host and at /workspace in the sandbox); an empty folder there is replaced.
 */
async function place(hands: StageHands, installed: string, target: string, shown: string, signal: AbortSignal) {
  const link = relative(dirname(target), installed);
  const script = [
    'if [ -L "$1" ]; then [ "$(readlink -- "$1")" = "$2" ] && exit 0; exit 3; fi',
    'if [ -d "$1" ]; then rmdir -- "$1" 2>/dev/null || exit 4; elif [ -e "$1" ]; then exit 4; fi',
    'mkdir -p -- "$(dirname -- "$1")" && ln -s -- "$2" "$1"',
  ].join('\n');
  const { code, error } = await hands.run(script, [hands.see(target), link], { signal });
  if (code === 3) throw new Error(`${shown} already holds another resource in this run's workspace`);
  if (code === 4) throw new Error(`${shown} already exists in this run's workspace`);
  if (code !== 0) throw new Error(`could not link it at ${shown}: ${error || `exit code ${code}`}`);
}

/**
 * A resource at /workspace itself: its files are copied into the workspace once per
 * run (a marker next to the copy says so), since the workspace cannot be a link.
 */
async function copyToRoot(hands: StageHands, workspace: string, installed: string, signal: AbortSignal) {
  const { code, error } = await hands.run(
    '[ -e "$2" ] && exit 0; cp -pPR -- "$1"/. "$3"/ && : > "$2"',
    [hands.see(installed), hands.see(`${installed}.at-workspace`), hands.see(workspace)],
    { signal },
  );
  if (code !== 0) throw new Error(`could not copy it into the workspace: ${error || `exit code ${code}`}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
