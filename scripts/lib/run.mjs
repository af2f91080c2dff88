// Small process helpers for the repository scripts (node builtins only: these run
// before any dependency is installed).
import { spawn, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Environment every script and child shares: no telemetry, offline-friendly Prisma. */
export const baseEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK: '1',
  COREPACK_INTEGRITY_KEYS: '0',
};

export function step(title) {
  process.stdout.write(`\n\u001b[1m▸ ${title}\u001b[0m\n`);
}

/** Runs a command with inherited output; throws when it fails. Returns elapsed seconds. */
export function run(command, args, options = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: repoRoot, env: baseEnv, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const error = new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
    error.exitCode = result.status ?? 1;
    throw error;
  }
  return (Date.now() - started) / 1000;
}

/** Runs a command and returns its trimmed stdout, or undefined when it cannot run. */
export function capture(command, args) {
  const result = spawnSync(command, args, { cwd: repoRoot, env: baseEnv, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Starts a long-running child that shares this terminal's output. */
export function startChild(name, command, args, env) {
  const child = spawn(command, args, { cwd: repoRoot, env: { ...baseEnv, ...env }, stdio: 'inherit' });
  child.name = name;
  return child;
}
