// What the test servers share: free loopback ports, a binary built once from its Go
// module (build-go-tool.sh, cached), and a child process that is ready when its own
// check says so, logs to a file, and stops with SIGTERM then SIGKILL. jaeger.mjs and
// hydra.mjs add only their configuration and checks; control-plane.mjs takes the ports.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const START_TIMEOUT_MS = Number(process.env.CYCLONE_TESTENV_START_TIMEOUT_MS ?? 60_000);
const STOP_GRACE_MS = 3_000;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whether a process of that pid still runs (signal 0 only checks). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of a tool's binary: `build-go-tool.sh <tool>` builds it the first time
 * (minutes) and prints the cached path afterwards.
 */
export async function goToolBinary(tool) {
  try {
    const { stdout } = await execFileP('bash', [join(HERE, 'build-go-tool.sh'), tool], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.trim().split('\n').pop();
  } catch (error) {
    throw new Error(`building ${tool} failed: ${error.stderr || error.message}`);
  }
}

/** n distinct free TCP ports on 127.0.0.1 (all listeners are held open until every port is known). */
export async function freePorts(n) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) {
      const server = createServer();
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      servers.push(server);
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve()))));
  }
}

/**
 * Starts `binary` in a fresh state folder and waits until `ready()` resolves true.
 * `prepare(stateDir)` runs first (to write configuration there); `onStop` runs after the
 * process ended. Throws with the last lines of its log when it exits or times out first.
 *
 * @param {{
 *   name: string,
 *   binary: string,
 *   args?: (stateDir: string) => string[],
 *   env?: Record<string, string>,
 *   prepare?: (stateDir: string) => void,
 *   ready: () => Promise<boolean>,
 *   onStop?: () => Promise<void>,
 * }} options
 */
export async function startToolProcess({ name, binary, args = () => [], env = {}, prepare, ready, onStop }) {
  const stateDir = mkdtempSync(join(tmpdir(), `cyclone-${name}-`));
  const logFile = join(stateDir, `${name}.log`);
  prepare?.(stateDir);
  const out = openSync(logFile, 'a');
  const child = spawn(binary, args(stateDir), {
    cwd: stateDir,
    stdio: ['ignore', out, out],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const killChild = () => {
    if (running()) child.kill('SIGKILL');
  };
  process.once('exit', killChild);

  const stop = async () => {
    process.removeListener('exit', killChild);
    if (running()) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(STOP_GRACE_MS)]);
      killChild();
    }
    await onStop?.();
    rmSync(stateDir, { recursive: true, force: true });
  };

  const failStart = async (why) => {
    const log = readFileSync(logFile, 'utf8');
    await stop();
    throw new Error(`${name} ${why}:\n${log.slice(-4000)}`);
  };
  const started = Date.now();
  for (;;) {
    if (!running()) await failStart(`exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    try {
      if (await ready()) break;
    } catch {}
    if (Date.now() - started > START_TIMEOUT_MS) await failStart(`was not ready after ${START_TIMEOUT_MS / 1000}s`);
    await sleep(100);
  }
  return { logFile, stop };
}
