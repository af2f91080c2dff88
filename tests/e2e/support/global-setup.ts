import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FullConfig } from '@playwright/test';
import { startSsoProvider } from './sso-provider';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const resultsDir = path.join(repoRoot, 'test-results');
const logFile = path.join(resultsDir, 'e2e-platform.log');

const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 10_000;
const POLL_MS = 500;

/** A port that was free on the loopback interface a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: 'manual' });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

function logTail(lines = 80): string {
  try {
    return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output captured)';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Stops the whole process group (start.mjs, API, embedded Postgres, web). */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (!pid) return;
  const signalGroup = (signal: NodeJS.Signals | 0) => {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  if (!signalGroup('SIGTERM')) return;
  const deadline = Date.now() + STOP_GRACE_MS;
  while (Date.now() < deadline) {
    if (!signalGroup(0)) return;
    await sleep(200);
  }
  signalGroup('SIGKILL');
  await sleep(200);
}

export default async function globalSetup(_config: FullConfig): Promise<(() => Promise<void>) | undefined> {
  if (process.env.E2E_BASE_URL) {
    console.log(`[e2e] testing the running instance at ${process.env.E2E_BASE_URL}`);
    return undefined;
  }

  const [apiPort, webPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cyclone-e2e-'));
  mkdirSync(resultsDir, { recursive: true });
  const out = openSync(logFile, 'w');

  // A real OpenID Connect provider for the single sign-on spec (sso.spec.ts).
  const sso = await startSsoProvider(`http://127.0.0.1:${webPort}`);

  console.log(`[e2e] starting Cyclone: web ${webPort}, API ${apiPort}, data ${dataDir} (log: ${logFile})`);
  const child = spawn(process.execPath, ['scripts/start.mjs', '--skip-setup'], {
    cwd: repoRoot,
    detached: true, // its own process group, so teardown reaches every descendant
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      PORT: String(apiPort),
      WEB_PORT: String(webPort),
      CYCLONE_DATA_DIR: dataDir,
      // The specs' SCM and webhook servers listen on 127.0.0.1; the outbound policy refuses the rest.
      CYCLONE_OUTBOUND_ALLOW: process.env.CYCLONE_OUTBOUND_ALLOW ?? '127.0.0.1/32',
      NEXT_TELEMETRY_DISABLED: '1',
      ...sso.env,
    },
  });
  closeSync(out);

  const cleanup = async () => {
    await stopGroup(child);
    await sso.hydra.stop();
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  // Last resort if the runner dies without running the teardown.
  const onExit = () => {
    if (child.pid && isRunning(child)) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }
  };
  process.once('exit', onExit);

  const baseURL = `http://127.0.0.1:${webPort}`;
  const started = Date.now();
  try {
    for (;;) {
      if (!isRunning(child)) {
        throw new Error(
          `the platform exited (${child.exitCode ?? child.signalCode}) before it was ready; its output:\n${logTail()}`,
        );
      }
      const [webReady, apiReady] = await Promise.all([
        answers200(`${baseURL}/login`),
        answers200(`http://127.0.0.1:${apiPort}/healthz`),
      ]);
      if (webReady && apiReady) break;
      if (Date.now() - started > READY_TIMEOUT_MS) {
        throw new Error(
          `the platform was not ready after ${READY_TIMEOUT_MS / 1000}s (web ${webReady ? 'up' : 'down'}, API ${
            apiReady ? 'up' : 'down'
          }); its output:\n${logTail()}`,
        );
      }
      await sleep(POLL_MS);
    }
  } catch (error) {
    await cleanup();
    process.removeListener('exit', onExit);
    throw error;
  }

  console.log(`[e2e] Cyclone is ready at ${baseURL} after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  process.env.E2E_BASE_URL = baseURL;
  process.env.E2E_API_URL = `http://127.0.0.1:${apiPort}`;
  // Specs open gates for waiting stages by writing into run workspaces (support/workspace-gates.ts).
  process.env.E2E_DATA_DIR = dataDir;

  return async () => {
    await cleanup();
    process.removeListener('exit', onExit);
    delete process.env.E2E_BASE_URL;
    delete process.env.E2E_DATA_DIR;
  };
}
