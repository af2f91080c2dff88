import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { downloadArtifact } from './artifacts.js';
import { type CacheSpec, restoreCaches } from './caches.js';

export interface InputsSpec {
  resources: { name: string; type: 'Git' | 'Svn'; url: string; revision: string; path: string }[];
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
export async function pullOnce(pullsDir: string, name: string, pull: () => void): Promise<'pulled' | 'reused'> {
  mkdirSync(pullsDir, { recursive: true });
  const lock = join(pullsDir, `${name}.lock`);
  const done = join(pullsDir, `${name}.done`);
  for (;;) {
    if (existsSync(done)) return 'reused';
    try {
      mkdirSync(lock);
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
      continue;
    }
    const heartbeat = setInterval(() => utimesSync(lock, new Date(), new Date()), HEARTBEAT_MS);
    try {
      pull();
      writeFileSync(done, new Date().toISOString());
      return 'pulled';
    } finally {
      clearInterval(heartbeat);
      rmSync(lock, { recursive: true, force: true });
    }
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
    const how = await pullOnce(join(workspace, '.cyclone', 'pulls'), resource.name, () => {
      log(`[cyclone] pulling ${resource.type} resource "${resource.name}" from ${resource.url}`);
      rmSync(target, { recursive: true, force: true });
      mkdirSync(dirname(target), { recursive: true });
      if (resource.type === 'Git') {
        const credential =
          username !== undefined
            ? ['-c', `credential.helper=!f() { echo username="$CYCLONE_U"; echo password="$CYCLONE_P"; }; f`]
            : [];
        const childEnv = { ...env, CYCLONE_U: username ?? '', CYCLONE_P: password ?? '', GIT_TERMINAL_PROMPT: '0' };
        execFileSync('git', [...credential, 'clone', '--quiet', resource.url, target], {
          env: childEnv,
          stdio: 'ignore',
        });
        if (resource.revision) {
          execFileSync('git', ['-C', target, 'checkout', '--quiet', resource.revision], { stdio: 'ignore' });
        }
      } else {
        const auth = username !== undefined ? ['--username', username, '--password', password ?? ''] : [];
        const revision = resource.revision ? ['-r', resource.revision] : [];
        execFileSync('svn', ['checkout', '--quiet', '--non-interactive', ...auth, ...revision, resource.url, target], {
          stdio: 'ignore',
        });
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
