import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parseOutputs } from '@cyclone/domain/core';
import type { Db } from '../../db/prisma.js';
import type { Logger } from '../../logging/logger.js';
import { type ArtifactStore, FilesystemArtifactStore } from '../../modules/artifacts/artifact-store.js';
import { collectArtifacts } from './artifact-outputs.js';
import type { Executor, ExitSink, StageExit, StageLaunch } from './executor.js';
import { LogWriter } from './log-writer.js';
import { prepareInputs, workspacePath } from './stage-inputs.js';

/**
 * With inputs to prepare, the stage's process group starts at once (so its handle
 * is known and a kill reaches it) as a shell that waits for `go` on stdin, then
 * enters the working directory and execs the command.
 */
const HOLDER = 'read -r line; [ "$line" = go ] || exit 97; cd -- "$0" || exit 96; exec "$@"';

/**
 * Stages get a fixed, minimal environment: the API's own environment (database
 * URL, encryption key) is never passed on.
 */
const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Executor instances alive in this process: handles of other, stopped instances are orphans. */
const liveInstances = new Set<string>();

/**
 * Runs each stage as a local process group. The handle stored in the stage row is
 * `local:<host>:<api pid>:<instance>:<pid>`; pipes to a process cannot be taken
 * over, so a process whose executor is gone is an orphan: the controller kills it
 * and the attempt counts as failed (retried per policy).
 */
export class HostExecutor implements Executor {
  readonly kind = 'host';
  private readonly instance = randomUUID();
  private readonly host = hostname();
  private readonly children = new Map<string, ChildProcess>();
  /** Children whose end the controller records itself (killed with `isRecorded`): no exit is reported. */
  private readonly recorded = new Set<string>();
  /** Settles when a started process has ended and its lines are stored. */
  private readonly endings = new Set<Promise<void>>();
  private isShuttingDown = false;

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      dataDir: string;
      /** Records the outcome of an attempt; called once per started process. */
      onExit: ExitSink;
      /** Where artifacts go; the filesystem under the data dir by default. */
      store?: ArtifactStore;
    },
  ) {
    liveInstances.add(this.instance);
    this.store = deps.store ?? new FilesystemArtifactStore(join(deps.dataDir, 'artifacts'));
  }

  readonly store: ArtifactStore;

  workspaceOf(runId: string): string {
    return join(this.deps.dataDir, 'workspaces', runId);
  }

  /** Spawns the stage's process group and returns its handle; throws when it cannot start. */
  start(launch: StageLaunch): string {
    const workspace = this.workspaceOf(launch.runId);
    const workingDir = workspacePath(workspace, launch.workingDir ?? '.');
    const [program, ...rest] = launch.command.length > 0 ? [...launch.command, ...launch.args] : [...launch.args];
    if (!program) throw new Error('the stage has neither command nor args');
    const resultsDir = join(workspace, '.cyclone', 'results');
    mkdirSync(resultsDir, { recursive: true });
    const resultsFile = join(resultsDir, `${launch.stage}.${launch.attempt}`);
    const env: Record<string, string> = { PATH: BASE_PATH, HOME: workspace };
    for (const { name, value } of launch.env) env[name] = value;
    Object.assign(env, {
      CYCLONE_RESULTS: resultsFile,
      CYCLONE_WORKSPACE: workspace,
      CYCLONE_RUN_ID: launch.runId,
      CYCLONE_STAGE: launch.stage,
    });

    const hasInputs = (launch.resources?.length ?? 0) + (launch.artifacts?.length ?? 0) > 0;
    let child: ChildProcess;
    if (hasInputs) {
      // The working directory may be a resource's path, which exists only once it is placed.
      if (!isAbsolute(program) && !program.includes('/') && !onPath(program, env.PATH ?? BASE_PATH)) {
        throw new Error(`"${program}" is not found on PATH`);
      }
      child = spawn('/bin/sh', ['-c', HOLDER, workingDir, program, ...rest], {
        cwd: workspace,
        env,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } else {
      mkdirSync(workingDir, { recursive: true });
      child = spawn(program, rest, { cwd: workingDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    }
    const key = `${launch.runId}/${launch.stage}/${launch.attempt}`;
    this.children.set(key, child);
    const writer = new LogWriter(
      this.deps.db,
      this.deps.logger,
      launch.runId,
      launch.stage,
      launch.firstSeq,
      launch.secrets ?? [],
    );
    writer.follow(child.stdout as NonNullable<ChildProcess['stdout']>, 'STDOUT');
    writer.follow(child.stderr as NonNullable<ChildProcess['stderr']>, 'STDERR');

    let spawnError: Error | undefined;
    let failure: string | undefined;
    let isDone = false;
    const preparing = new AbortController();
    const finish = async (code: number | null, signal: NodeJS.Signals | null) => {
      if (isDone) return;
      isDone = true;
      preparing.abort();
      this.children.delete(key);
      let outputs: StageExit['outputs'] = [];
      let exitCode = spawnError ? null : code;
      if (code === 0 && !spawnError && !failure) {
        outputs = readOutputs(resultsFile);
        try {
          await collectArtifacts(this.deps.db, this.store, workspace, launch, writer);
        } catch (error) {
          failure = `output artifacts: ${(error as Error).message}`;
          exitCode = null;
        }
      }
      await writer.close();
      const isRecorded = this.recorded.delete(key);
      if (this.isShuttingDown || isRecorded) return;
      const message = failure
        ? writer.mask(failure)
        : spawnError
          ? `could not start "${program}": ${spawnError.message}`
          : signal
            ? `killed by ${signal}`
            : code === 0
              ? ''
              : `exited with code ${code}`;
      await this.deps.onExit({
        ...launch,
        exitCode: failure ? null : exitCode,
        message,
        outputs: failure ? [] : outputs,
      });
    };
    const report = (error: unknown) => this.deps.logger.error({ err: error, key }, 'could not record a stage exit');
    const ending = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        spawnError = error;
        // A process that never started emits no 'close' on every Node version.
        setTimeout(() => finish(null, null).catch(report).finally(resolve), 50);
      });
      child.once('close', (code, signal) => {
        finish(code, signal).catch(report).finally(resolve);
      });
    });
    this.endings.add(ending);
    ending.finally(() => this.endings.delete(ending));
    if (hasInputs) {
      // The holder may be killed while inputs are prepared: its stdin is then closed.
      child.stdin?.on('error', () => undefined);
      prepareInputs(launch, workspace, this.store, writer, preparing.signal).then(
        () => child.stdin?.end('go\n'),
        (error: unknown) => {
          if (!preparing.signal.aborted) failure = `inputs: ${(error as Error).message}`;
          child.stdin?.end('abort\n');
        },
      );
    }
    return `local:${this.host}:${process.pid}:${this.instance}:${child.pid ?? 0}`;
  }

  /** SIGKILL to the whole process group of a handle on this host. */
  kill(handle: string | null, options: { isRecorded?: boolean } = {}): void {
    const parsed = parseHandle(handle);
    if (!parsed || parsed.host !== this.host || parsed.pid <= 0) return;
    if (options.isRecorded && parsed.instance === this.instance) {
      // Only a child still known here: a key is never reused (it names the attempt).
      for (const [key, child] of this.children) if (child.pid === parsed.pid) this.recorded.add(key);
    }
    try {
      process.kill(-parsed.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /**
   * True when nobody can still record this handle's exit: it belongs to this host
   * and its executor is gone (the API process died or the executor was stopped).
   * Handles of other hosts are left to their own controller.
   */
  isOrphan(handle: string | null): boolean {
    const parsed = parseHandle(handle);
    if (!parsed) return handle === null;
    if (parsed.host !== this.host) return false;
    if (parsed.apiPid === process.pid) return !liveInstances.has(parsed.instance);
    return !isAlive(parsed.apiPid);
  }

  /**
   * Kills every process this executor started and waits until their lines are
   * stored; their exits are not recorded (the next controller fails those attempts).
   */
  async shutdown(): Promise<void> {
    this.isShuttingDown = true;
    liveInstances.delete(this.instance);
    for (const child of this.children.values()) {
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    await Promise.all(this.endings);
  }
}

function onPath(program: string, path: string): boolean {
  return path.split(':').some((dir) => dir !== '' && existsSync(join(dir, program)));
}

function parseHandle(handle: string | null) {
  const match = handle ? /^local:(.+):(\d+):([0-9a-f-]+):(\d+)$/.exec(handle) : null;
  if (!match) return undefined;
  return { host: match[1] as string, apiPid: Number(match[2]), instance: match[3] as string, pid: Number(match[4]) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOutputs(file: string): { key: string; value: string }[] {
  try {
    return parseOutputs(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}
