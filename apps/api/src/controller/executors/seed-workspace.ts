import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageLaunch } from './executor.js';
import { tryLock } from './folder-lock.js';
import type { LogWriter } from './log-writer.js';

const WAIT_POLL_MS = 100;

/**
 * A retry's workspace starts as a copy of its original run's (retryWorkflowRun reuses
 * the stages that succeeded there: what they left in the workspace, a build's output,
 * is at hand for the stages run again). Once per run: the first of its stages to start
 * copies, under a lock folder, and leaves a marker; the others wait for the marker. Lock
 * and marker live in the run's private folder of the API (its pulls), not in the workspace.
 * The original's stage results are left out (the retry's attempts write their own).
 * An original whose workspace is gone (retention) gives an empty workspace, said in the log.
 */
export async function seedWorkspace(
  places: { workspace: string; pulls: string },
  original: string,
  launch: Pick<StageLaunch, 'retryOf'>,
  writer: LogWriter,
  signal: AbortSignal,
): Promise<void> {
  if (!launch.retryOf) return;
  const { workspace } = places;
  const seeded = join(places.pulls, 'workspace.seeded');
  const lock = join(places.pulls, 'workspace.seed.lock');
  await mkdir(places.pulls, { recursive: true });
  const from = `run #${launch.retryOf.number}`;
  for (;;) {
    signal.throwIfAborted();
    if (existsSync(seeded)) return;
    if (await tryLock(lock)) break;
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
  try {
    if (existsSync(seeded)) return;
    if (existsSync(original)) {
      await copyTree(original, workspace, signal);
      await rm(join(workspace, '.cyclone', 'results'), { recursive: true, force: true });
      writer.line('STDOUT', `[cyclone] the workspace starts as the one ${from} left`);
    } else {
      writer.line('STDOUT', `[cyclone] the workspace of ${from} is gone (its data was removed): this one starts empty`);
    }
    await writeFile(seeded, `${launch.retryOf.runId}\n`);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** `cp -a`: owners, modes, links and times as they were (the stage's user owns what it wrote). */
function copyTree(from: string, to: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('cp', ['-a', '--', `${from}/.`, `${to}/`], { stdio: ['ignore', 'ignore', 'pipe'], signal });
    let error = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      error = (error + chunk).slice(-500);
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`could not copy the workspace of the run retried: ${error.trim()}`)),
    );
  });
}
