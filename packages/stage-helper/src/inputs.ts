import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { downloadArtifact } from './artifacts.js';
import { type CacheSpec, restoreCaches } from './caches.js';

export interface ResourceInput {
  name: string;
  type: 'Git' | 'Svn';
  url: string;
  revision: string;
  path: string;
  /** A persistent resource: its copy is kept between runs in `dir` (a folder of its claim). */
  kept?: { dir: string; pullPolicy: 'Always' | 'IfNotExist' };
}

export interface InputsSpec {
  resources: ResourceInput[];
  artifacts: { name: string; path: string; isDirectory: boolean }[];
  workingDir: string;
  /** Restored after the artifacts; the keys evaluated are left in `caches.json` beside the log for the sidecar. */
  caches?: CacheSpec[];
}

const WAIT_MS = 500;
/** A lock whose holder stopped touching it this long ago is taken over (its pod died). */
const STALE_MS = 60_000;
const HEARTBEAT_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Pull-once lock on the run's shared workspace: the first stage to need a resource
 * creates `<pulls>/<name>.lock` (mkdir is atomic), pulls, writes `<name>.done`; the
 * others wait for `.done`. A lock not touched for STALE_MS is taken over.
 */
export async function pullOnce(
  pullsDir: string,
  name: string,
  pull: () => void | Promise<void>,
): Promise<'pulled' | 'reused'> {
  mkdirSync(pullsDir, { recursive: true });
  const done = join(pullsDir, `${name}.done`);
  for (;;) {
    if (existsSync(done)) return 'reused';
    const outcome = await withLock(join(pullsDir, `${name}.lock`), async () => {
      if (existsSync(done)) return 'reused' as const;
      await pull();
      writeFileSync(done, new Date().toISOString());
      return 'pulled' as const;
    });
    if (outcome) return outcome;
  }
}

/**
 * Runs `work` holding the lock folder `lock` (mkdir is atomic), or answers undefined
 * at once when another holds it and `wait` is not set; a lock not touched for STALE_MS
 * is taken over (its pod died). `onWait` is called once when it has to wait.
 */
export async function withLock<T>(
  lock: string,
  work: () => Promise<T>,
  options: { wait?: boolean; onWait?: () => void } = {},
): Promise<T | undefined> {
  let isWaiting = false;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = (() => {
        try {
          return Date.now() - statSync(lock).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if (age > STALE_MS) rmSync(lock, { recursive: true, force: true });
      await sleep(WAIT_MS);
      if (!options.wait) return undefined;
      if (!isWaiting) options.onWait?.();
      isWaiting = true;
    }
  }
  const heartbeat = setInterval(() => utimesSync(lock, new Date(), new Date()), HEARTBEAT_MS);
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Places the stage's resources (git clone, svn checkout) and input artifacts (from the
 * API) in the workspace; logs go where the sidecar ships them from.
 */
export async function runInputs(spec: InputsSpec, env: NodeJS.ProcessEnv, logFile: string, workspace: string) {
  const log = (text: string) => appendFileSync(logFile, `${text}\n`);
  for (const [index, resource] of spec.resources.entries()) {
    const username = env[`CYCLONE_INPUT_${index}_USERNAME`];
    const password = env[`CYCLONE_INPUT_${index}_PASSWORD`];
    const target = join(workspace, '.cyclone', 'resources', resource.name);
    const tools = resourceTools(resource, env, username, password);
    const how = await pullOnce(join(workspace, '.cyclone', 'pulls'), resource.name, async () => {
      rmSync(target, { recursive: true, force: true });
      mkdirSync(dirname(target), { recursive: true });
      if (resource.kept) {
        await withKeptCopy(resource, resource.kept, log, tools);
        execFileSync('cp', ['-a', join(resource.kept.dir, KEPT_COPY), target]);
      } else {
        log(`[cyclone] pulling ${resource.type} resource "${resource.name}" from ${resource.url}`);
        tools.fetch(target);
      }
    });
    if (how === 'reused') log(`[cyclone] resource "${resource.name}" already pulled for this run`);
    // The stage sees it at its path: a copy, so stages cannot change each other's checkout.
    rmSync(resource.path, { recursive: true, force: true });
    mkdirSync(dirname(resource.path), { recursive: true });
    execFileSync('cp', ['-a', target, resource.path]);
  }
  for (const artifact of spec.artifacts) {
    const transfer = { apiUrl: env.CYCLONE_API_URL ?? '', token: env.CYCLONE_STAGE_TOKEN ?? '', log };
    await downloadArtifact(transfer, artifact);
  }
  if ((spec.caches?.length ?? 0) > 0) {
    const transfer = { apiUrl: env.CYCLONE_API_URL ?? '', token: env.CYCLONE_STAGE_TOKEN ?? '', log };
    await restoreCaches(transfer, spec.caches ?? [], workspace, join(dirname(logFile), 'caches.json'));
  }
  mkdirSync(spec.workingDir, { recursive: true });
}

/** The folder of a kept copy's claim that holds the checkout; `source` beside it names its URL. */
const KEPT_COPY = 'copy';

interface ResourceTools {
  /** A whole pull into `dir`. */
  fetch(dir: string): void;
  /** Brings the checkout in `dir` to the resource's revision, fetching only what it lacks. */
  update(dir: string): void;
}

function resourceTools(
  resource: ResourceInput,
  env: NodeJS.ProcessEnv,
  username: string | undefined,
  password: string | undefined,
): ResourceTools {
  if (resource.type === 'Git') {
    const credential =
      username !== undefined
        ? ['-c', `credential.helper=!f() { echo username="$CYCLONE_U"; echo password="$CYCLONE_P"; }; f`]
        : [];
    const childEnv = { ...env, CYCLONE_U: username ?? '', CYCLONE_P: password ?? '', GIT_TERMINAL_PROMPT: '0' };
    const git = (args: string[]) => execFileSync('git', [...credential, ...args], { env: childEnv, stdio: 'ignore' });
    return {
      fetch(dir) {
        git(['clone', '--quiet', resource.url, dir]);
        if (resource.revision) git(['-C', dir, 'checkout', '--quiet', resource.revision]);
      },
      update(dir) {
        git(['-C', dir, 'fetch', '--quiet', '--tags', 'origin', '+refs/heads/*:refs/remotes/origin/*']);
        // A branch is its remote head; a tag or commit as it is; none: the remote's default branch.
        const wanted = resource.revision || 'origin/HEAD';
        const branch = `origin/${resource.revision}`;
        const isBranch = (() => {
          try {
            git(['-C', dir, 'rev-parse', '--verify', '--quiet', `refs/remotes/${branch}`]);
            return resource.revision !== '';
          } catch {
            return false;
          }
        })();
        git(['-C', dir, 'checkout', '--quiet', '--force', '--detach', isBranch ? branch : wanted]);
      },
    };
  }
  const auth = username !== undefined ? ['--username', username, '--password', password ?? ''] : [];
  const revision = resource.revision ? ['-r', resource.revision] : [];
  return {
    fetch(dir) {
      execFileSync('svn', ['checkout', '--quiet', '--non-interactive', ...auth, ...revision, resource.url, dir], {
        stdio: 'ignore',
      });
    },
    update(dir) {
      execFileSync('svn', ['update', '--quiet', '--non-interactive', ...auth, ...revision, dir], { stdio: 'ignore' });
    },
  };
}

/**
 * A persistent resource's copy kept on its claim between runs (the original's
 * `spec.persistent`): `IfNotExist` brings the kept checkout to the run's revision
 * (`git fetch` of what it lacks, `svn update`); `Always`, a first run or a changed URL
 * make it afresh. Pods of runs using it at once take turns; a failed update is not
 * trusted (the next run starts it clean).
 */
export async function withKeptCopy(
  resource: ResourceInput,
  kept: NonNullable<ResourceInput['kept']>,
  log: (text: string) => void,
  tools: ResourceTools,
): Promise<void> {
  const copy = join(kept.dir, KEPT_COPY);
  const source = join(kept.dir, 'source');
  await withLock(
    join(kept.dir, 'lock'),
    async () => {
      const keptUrl = existsSync(source) ? readFileSync(source, 'utf8') : undefined;
      const isKept = keptUrl === resource.url && existsSync(join(copy, resource.type === 'Git' ? '.git' : '.svn'));
      try {
        if (kept.pullPolicy === 'IfNotExist' && isKept) {
          log(`[cyclone] resource "${resource.name}": updating its kept copy (pullPolicy IfNotExist)`);
          tools.update(copy);
        } else {
          const why = isKept ? 'pullPolicy Always' : keptUrl === undefined ? 'none kept yet' : 'its URL changed';
          log(`[cyclone] resource "${resource.name}": making its kept copy afresh (${why})`);
          rmSync(source, { force: true });
          rmSync(copy, { recursive: true, force: true });
          log(`[cyclone] pulling ${resource.type} resource "${resource.name}" from ${resource.url}`);
          tools.fetch(copy);
          writeFileSync(source, resource.url);
        }
      } catch (error) {
        rmSync(source, { force: true });
        throw error;
      }
    },
    {
      wait: true,
      onWait: () => log(`[cyclone] resource "${resource.name}": waiting for another run using its kept copy`),
    },
  );
}
