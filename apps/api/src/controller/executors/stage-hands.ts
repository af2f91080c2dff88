import { spawn } from 'node:child_process';
import { relative } from 'node:path';
import type { Readable } from 'node:stream';
import type { UserIds } from '../../system/folder-access.js';
import type { HostIsolation } from './host-isolation.js';
import { SANDBOX_INPUT, sandboxArgs } from './sandbox.js';
import { STAGE_WORKSPACE } from './stage-paths.js';

const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ScriptOptions {
  /** Piped to the script's stdin. */
  stdin?: Readable;
  /** A host folder the script reads as "$INPUT" (read-only in the sandbox). */
  input?: string;
  signal?: AbortSignal;
}

/**
 * Writes into a run workspace on the stage's behalf (placing inputs): the
 * workspace belongs to the stage, which may have planted links there, so these
 * writes run as the stage would run them — its user, and with bubblewrap its
 * sandbox —, never with the API's own rights.
 */
export interface StageHands {
  /** Runs `sh -c script sh args…`; resolves with its exit code and last stderr line. */
  run(
    script: string,
    args: readonly string[],
    options?: ScriptOptions,
  ): Promise<{ code: number | null; error: string }>;
  /** The stage's name for a host path inside the workspace. */
  see(hostPath: string): string;
  /** As root: who must be able to read a pulled copy before it is copied in. */
  readonly owner?: UserIds;
}

/** Hands of a stage of `workspace` under `isolation` (links: see SandboxLayout). */
export function stageHands(
  isolation: Pick<HostIsolation, 'isolation' | 'bubblewrap' | 'stageUser'>,
  dataDir: string,
  workspace: string,
  links: readonly string[] = [],
): StageHands {
  const user = isolation.stageUser;
  const isSandboxed = isolation.isolation === 'bubblewrap' && isolation.bubblewrap !== undefined;
  const see = (hostPath: string) => {
    if (!isSandboxed) return hostPath;
    const inside = relative(workspace, hostPath);
    if (inside.startsWith('..')) throw new Error(`${hostPath} is not in the run workspace`);
    return inside === '' ? STAGE_WORKSPACE : `${STAGE_WORKSPACE}/${inside}`;
  };
  return {
    see,
    owner: user,
    run: (script, args, options = {}) => {
      const env = {
        PATH: BASE_PATH,
        LANG: 'C',
        HOME: see(workspace),
        ...(options.input ? { INPUT: isSandboxed ? SANDBOX_INPUT : options.input } : {}),
      };
      const [file, argv] = isSandboxed
        ? [
            isolation.bubblewrap as string,
            [
              ...sandboxArgs({ workspace, links, dataDir, input: options.input }),
              '--',
              '/bin/sh',
              '-c',
              script,
              'sh',
              ...args,
            ],
          ]
        : ['/bin/sh', ['-c', script, 'sh', ...args]];
      return runScript(file, argv, {
        env,
        user,
        stdin: options.stdin,
        signal: options.signal,
      });
    },
  };
}

function runScript(
  file: string,
  args: string[],
  options: { env: Record<string, string>; user?: UserIds; stdin?: Readable; signal?: AbortSignal },
): Promise<{ code: number | null; error: string }> {
  return new Promise((resolve, reject) => {
    options.signal?.throwIfAborted();
    const child = spawn(file, args, {
      env: options.env,
      cwd: '/',
      detached: true,
      stdio: [options.stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'],
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    if (options.stdin && child.stdin) {
      child.stdin.on('error', () => undefined);
      options.stdin.on('error', (error) => {
        child.stdin?.destroy();
        reject(error);
      });
      options.stdin.pipe(child.stdin);
    }
    const abort = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    child.once('error', (error) => {
      options.signal?.removeEventListener('abort', abort);
      reject(error);
    });
    child.once('close', (code) => {
      options.signal?.removeEventListener('abort', abort);
      const lines = stderr.trim().split('\n');
      resolve({ code, error: lines.at(-1) ?? '' });
    });
  });
}
