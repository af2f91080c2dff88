import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const apiDir = fileURLToPath(new URL('../..', import.meta.url));

export interface SpawnedApi {
  url: string;
  pid: number;
  child: ChildProcessWithoutNullStreams;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGKILL, no shutdown at all; resolves when the process is gone. */
  crash(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * The real API (src/main.ts under tsx) as a child process, for tests that kill it or
 * run several on one database. `env` is its whole configuration besides PATH.
 */
export async function spawnApi(env: Record<string, string>): Promise<SpawnedApi> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: apiDir,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      CYCLONE_EXECUTOR: 'host',
      ...env,
    },
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never leave a process behind that the caller has no handle on.
      child.kill('SIGKILL');
      reject(new Error(`no ready line in: ${output}`));
    }, 180_000);
    const check = () => {
      const line = output.split('\n').find((l) => l.includes('"cyclone api ready"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).url as string);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the API exited (${code}) before it was ready: ${output}`));
    });
  });
  return {
    url,
    pid: child.pid as number,
    child,
    output: () => output,
    crash: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
