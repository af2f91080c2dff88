import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { DEFAULT_OUTPUT_LIMITS, type OutputLimits } from '@cyclone/domain/core';
import type { PlainSql } from '../../db/plain-sql.js';
import type { Db } from '../../db/prisma.js';
import type { Logger } from '../../logging/logger.js';
import { type ArtifactStore, FilesystemArtifactStore } from '../../modules/artifacts/artifact-store.js';
import { openSpan } from '../../observability/trace-context.js';
import { isProcessAlive } from '../../system/process-alive.js';
import { makeAcceleratedFolders } from './accelerated-folders.js';
import { collectArtifacts } from './artifact-outputs.js';
import { type Executor, type ExitSink, executorRefusal, type StageExit, type StageLaunch } from './executor.js';
import type { HostIsolation } from './host-isolation.js';
import { sendWorkspaceHttpPushes } from './http-push.js';
import { LogWriter } from './log-writer.js';
import { sandboxArgs } from './sandbox.js';
import { seedWorkspace } from './seed-workspace.js';
import { DEFAULT_CACHE_MAX_BYTES, type EvaluatedCache, restoreCaches, saveCaches } from './stage-caches.js';
import { stageHands } from './stage-hands.js';
import { prepareInputs } from './stage-inputs.js';
import { outsideFolder, runFolders, STAGE_WORKSPACE, sandboxPath, workspacePath } from './stage-paths.js';
import { readResults } from './stage-results.js';

/**
 * Every attempt starts at once as a process group (so its handle is known and a
 * kill reaches it): a shell that waits for `go` on stdin while inputs are
 * prepared, then execs the stage — directly, or bwrap with the stage inside.
 */
const HOLDER = 'read -r line; [ "$line" = go ] || exit 97; exec "$0" "$@"';
/**
 * The stage's first step, as the stage: makes the folders it needs (working
 * directory, results, linked top-level folders) and enters the working directory.
 */
const ENTER =
  'while [ "$1" != -- ]; do mkdir -p -- "$1" || exit 96; shift; done; shift; cd -- "$1" || exit 96; shift; exec "$@"';

/**
 * Stages get a fixed, minimal environment: the API's own environment (database
 * URL, encryption key) is never passed on.
 */
const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Executor instances alive in this process: handles of other, stopped instances are orphans. */
const liveInstances = new Set<string>();

/**
 * Runs each stage as a local process group, isolated as `isolation` says (see
 * host-isolation.ts): in a bubblewrap sandbox that sees the run workspace at
 * /workspace, as the stage user when the API is root, or as a plain process.
 * The handle stored in the stage row is `local:<host>:<api pid>:<instance>:<pid>`;
 * pipes to a process cannot be taken over, so a process whose executor is gone is
 * an orphan: the controller kills it and the attempt counts as failed (retried per
 * policy). Killing the group kills bwrap, whose sandbox dies with it: every process
 * of the stage, even one that left the group (setsid), is in its PID namespace.
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
      /** Plain pg for stored log lines (see PlainSql). */
      sql: PlainSql;
      logger: Logger;
      dataDir: string;
      /** Records the outcome of an attempt; called once per started process. */
      onExit: ExitSink;
      /** Where artifacts go; the filesystem under the data dir by default. */
      store?: ArtifactStore;
      /** How stages are isolated (detectHostIsolation); default: plain processes of this user. */
      isolation?: HostIsolation;
      /** What a stage may print and leave in $CYCLONE_RESULTS; the defaults when absent. */
      outputLimits?: OutputLimits;
      /** What one tenant's stage caches may take in all; DEFAULT_CACHE_MAX_BYTES when absent. */
      cacheMaxBytes?: number;
    },
  ) {
    liveInstances.add(this.instance);
    this.store = deps.store ?? new FilesystemArtifactStore(join(deps.dataDir, 'artifacts'));
    this.isolation = deps.isolation ?? { isolation: 'none' };
    this.outputLimits = deps.outputLimits ?? DEFAULT_OUTPUT_LIMITS;
  }

  private readonly outputLimits: OutputLimits;

  readonly store: ArtifactStore;
  readonly isolation: HostIsolation;

  workspaceOf(runId: string): string {
    return runFolders(this.deps.dataDir).workspaceOf(runId);
  }

  /** The API's own folder of a run's pulls (never shown to a stage). */
  pullsOf(runId: string): string {
    return runFolders(this.deps.dataDir).pullsOf(runId);
  }

  /** Spawns the stage's process group and returns its handle; throws when it cannot start. */
  start(launch: StageLaunch): string {
    const { isolation } = this;
    if (isolation.refusal) throw new Error(isolation.refusal);
    // Processes here share the machine's network and run no image: a service could be neither started nor isolated.
    if ((launch.services?.length ?? 0) > 0) {
      throw new Error(
        'the host executor runs no containers, so it cannot start stage services: use the container or Kubernetes executor',
      );
    }
    const refusal = executorRefusal('host', launch);
    if (refusal) throw new Error(refusal);
    const workspace = this.workspaceOf(launch.runId);
    const workingDir = launch.workingDir ?? '.';
    const [program, ...rest] = launch.command.length > 0 ? [...launch.command, ...launch.args] : [...launch.args];
    if (!program) throw new Error('the stage has neither command nor args');
    // Every path the stage names is checked (and its top-level folder outside /workspace linked) before anything runs.
    const stagePaths = [
      workingDir,
      ...(launch.resources ?? []).map((r) => r.path),
      ...(launch.artifacts ?? []).map((a) => a.path),
      ...(launch.outputArtifacts ?? []).map((a) => a.path),
    ];
    for (const path of stagePaths) workspacePath(workspace, path);
    const links = [...new Set(stagePaths.map(outsideFolder).filter((top) => top !== undefined))];
    const hands = stageHands(isolation, this.deps.dataDir, workspace, links);
    const isSandboxed = isolation.isolation === 'bubblewrap' && isolation.bubblewrap !== undefined;
    this.makeWorkspace(workspace);
    const resultsFile = join(workspace, '.cyclone', 'results', `${launch.stage}.${launch.attempt}`);
    // Acceleration: the kept folders (.m2, .cache…) are those of the stage's home.
    const home = launch.accelerated ? join(workspace, launch.accelerated.home) : workspace;
    const env: Record<string, string> = { PATH: BASE_PATH, HOME: hands.see(home) };
    for (const { name, value } of launch.env) env[name] = value;
    Object.assign(env, {
      CYCLONE_RESULTS: hands.see(resultsFile),
      CYCLONE_WORKSPACE: hands.see(workspace),
      CYCLONE_RUN_ID: launch.runId,
      CYCLONE_STAGE: launch.stage,
    });
    checkProgram(program, env.PATH ?? BASE_PATH, isSandboxed ? STAGE_WORKSPACE : workspace, isSandboxed ? links : []);

    const folders = [
      hands.see(workspacePath(workspace, workingDir)),
      hands.see(join(workspace, '.cyclone', 'results')),
      ...links.map((top) => hands.see(join(workspace, top))),
    ];
    const cwd = isSandboxed ? sandboxPath(workingDir) : workspacePath(workspace, workingDir);
    const stage = ['/bin/sh', '-c', ENTER, 'sh', ...folders, '--', cwd, program, ...rest];
    const argv = isSandboxed
      ? [
          isolation.bubblewrap as string,
          ...sandboxArgs({ workspace, links, dataDir: this.deps.dataDir }),
          '--',
          ...stage,
        ]
      : stage;
    const user = isolation.stageUser;
    const spawning = openSpan('cyclone.process.start', {
      'cyclone.run.id': launch.runId,
      'cyclone.stage': launch.stage,
      'cyclone.stage.attempt': launch.attempt,
      'cyclone.sandboxed': isSandboxed,
    });
    const child: ChildProcess = spawn('/bin/sh', ['-c', HOLDER, ...argv], {
      cwd: isSandboxed ? '/' : workspace,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    if (child.pid !== undefined) spawning.setAttribute('process.pid', child.pid);
    spawning.end();
    const hasInputs =
      launch.retryOf !== undefined ||
      (launch.resources?.length ?? 0) + (launch.artifacts?.length ?? 0) + (launch.caches?.length ?? 0) > 0;
    const caches = {
      db: this.deps.db,
      store: this.store,
      maxBytes: this.deps.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES,
    };
    let evaluatedCaches: EvaluatedCache[] = [];
    const key = `${launch.runId}/${launch.stage}/${launch.attempt}`;
    this.children.set(key, child);
    // The stage's pipes are paused while its lines wait for the database: a stage
    // that prints faster than they are stored blocks on its own output.
    const writer = LogWriter.forAttempt(this.deps.sql, this.deps.logger, launch, this.outputLimits);
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
        outputs = await readResults(workspace, resultsFile, this.outputLimits, writer);
        try {
          await collectArtifacts(this.deps.db, this.store, workspace, launch, writer);
        } catch (error) {
          failure = `output artifacts: ${(error as Error).message}`;
          exitCode = null;
        }
        if (!failure) {
          await sendWorkspaceHttpPushes(workspace, launch.httpPushes, writer).catch((error: Error) => {
            failure = error.message;
            exitCode = null;
          });
        }
        if (!failure) await saveCaches(caches, launch.cacheScope, launch.runId, workspace, evaluatedCaches, writer);
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
    // The holder may be killed while inputs are prepared: its stdin is then closed.
    child.stdin?.on('error', () => undefined);
    if (hasInputs) {
      const places = {
        workspace,
        pulls: this.pullsOf(launch.runId),
        kept: runFolders(this.deps.dataDir).keptResources,
        hands,
      };
      const original = launch.retryOf ? this.workspaceOf(launch.retryOf.runId) : '';
      seedWorkspace(places, original, launch, writer, preparing.signal)
        .then(() => prepareInputs(launch, places, this.store, writer, preparing.signal))
        .then(async () => {
          evaluatedCaches = await restoreCaches(caches, launch, places, writer, preparing.signal);
          await makeAcceleratedFolders(workspace, launch);
        })
        .then(
          () => child.stdin?.end('go\n'),
          (error: unknown) => {
            if (!preparing.signal.aborted) failure = `inputs: ${(error as Error).message}`;
            child.stdin?.end('abort\n');
          },
        );
    } else child.stdin?.end('go\n');
    return `local:${this.host}:${process.pid}:${this.instance}:${child.pid ?? 0}`;
  }

  /**
   * The run workspace, made by the API in its own `workspaces` folder (so no stage
   * can have put a link in its place) and, as root, handed to the stage user.
   */
  private makeWorkspace(workspace: string): void {
    if (existsSync(workspace)) return;
    mkdirSync(join(this.deps.dataDir, 'workspaces'), { recursive: true });
    try {
      mkdirSync(workspace, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw error;
    }
    const user = this.isolation.stageUser;
    if (user) chownSync(workspace, user.uid, user.gid);
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
    return !isProcessAlive(parsed.apiPid);
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

/**
 * Refuses at once a program that cannot be there: a bare name on none of the PATH
 * folders, an absolute path outside the workspace that does not exist. A program
 * in the workspace may still be placed by the inputs: the stage's shell reports it.
 */
function checkProgram(program: string, path: string, workspace: string, links: readonly string[]): void {
  const isInWorkspace = (at: string) =>
    at === workspace || at.startsWith(`${workspace}/`) || links.some((top) => at.startsWith(`/${top}/`));
  if (!program.includes('/')) {
    const folders = path.split(':').filter((dir) => dir !== '');
    if (folders.some((dir) => !isAbsolute(dir) || isInWorkspace(dir))) return;
    if (!folders.some((dir) => existsSync(join(dir, program)))) throw new Error(`"${program}" is not found on PATH`);
  } else if (isAbsolute(program) && !isInWorkspace(program) && !existsSync(program)) {
    throw new Error(`"${program}" is not found`);
  }
}

function parseHandle(handle: string | null) {
  const match = handle ? /^local:(.+):(\d+):([0-9a-f-]+):(\d+)$/.exec(handle) : null;
  if (!match) return undefined;
  return { host: match[1] as string, apiPid: Number(match[2]), instance: match[3] as string, pid: Number(match[4]) };
}
