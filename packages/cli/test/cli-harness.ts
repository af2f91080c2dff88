import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(PACKAGE_DIR, 'dist', 'index.js');
export const FIXTURES = join(PACKAGE_DIR, 'test', 'fixtures');

function newestSource(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true })
      // src/generated holds types only (rewritten by every typecheck): it never changes dist.
      .filter((entry) => entry.name !== 'generated')
      .map((entry) =>
        entry.isDirectory() ? newestSource(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
      ),
  );
}

/** The tests run the built CLI: build it when dist is missing or older than the sources. */
export function ensureBuilt(): void {
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestSource(join(PACKAGE_DIR, 'src'))) return;
  execFileSync('pnpm', ['--filter', '@cyclone/cli', 'build'], { cwd: PACKAGE_DIR, stdio: 'inherit' });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  result: Promise<CliResult>;
  /** Resolves once stdout contains the pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** Runs `node dist/index.js …` as a child process, without the caller's Cyclone settings. */
export function startCli(args: string[], env: Record<string, string> = {}, stdin?: string): CliProcess {
  const { CYCLONE_SERVER: _s, CYCLONE_TOKEN: _t, CYCLONE_TENANT: _te, CYCLONE_PROJECT: _p, ...inherited } = process.env;
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...inherited, NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const watcher of watchers) watcher();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(stdin ?? '');
  const result = new Promise<CliResult>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    result,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stdout)) return;
          watchers.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`no ${pattern} in stdout within ${timeoutMs} ms: ${stdout} ${stderr}`));
        }, timeoutMs);
        watchers.add(check);
        check();
        void result.then(() => check());
      }),
  };
}

export function cli(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult> {
  return startCli(args, env, stdin).result;
}
