import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_OUTPUT_LIMITS, type LinePiece, type OutputLimits, TRUNCATED_PREFIX } from '@cyclone/domain/core';
import type Docker from 'dockerode';
import { inSpan } from '../../../observability/trace-context.js';
import { makeAcceleratedFolders } from '../accelerated-folders.js';
import { collectArtifacts } from '../artifact-outputs.js';
import type { HttpPush, ResolverRun, RunningAttempt, StageExit, StageLaunch } from '../executor.js';
import { sendWorkspaceHttpPushes } from '../http-push.js';
import { LogWriter } from '../log-writer.js';
import { seedWorkspace } from '../seed-workspace.js';
import {
  type CacheScope,
  DEFAULT_CACHE_MAX_BYTES,
  type EvaluatedCache,
  restoreCaches,
  saveCaches,
} from '../stage-caches.js';
import { prepareInputs } from '../stage-inputs.js';
import { outsideFolders, type runFolders, workspaceSubpath } from '../stage-paths.js';
import { readResults } from '../stage-results.js';
import type { ContainerExecutorOptions } from './container-executor.js';
import { ensureImage } from './container-images.js';
import { followedLog, wholeLog } from './container-log.js';
import { engineLoggedOomKill } from './container-oom.js';
import { removeServices, startServices } from './container-services.js';
import { containerSpec, exitMessage, imageOf } from './container-spec.js';
import {
  type CountedRead,
  mostOf,
  NO_PIECES,
  type OutputStream,
  type PieceCounts,
  piecesAfter,
  readLogLines,
} from './log-lines.js';
import { removeResolvers, runResolvers } from './resolver-containers.js';
import { sharedNetworkOf } from './service-spec.js';

/** The executor's options (but the exit sink: the executor reports exits) and the run folders under its data dir. */
export interface AttemptDeps extends Omit<ContainerExecutorOptions, 'onExit'>, ReturnType<typeof runFolders> {}

/**
 * What a controller that takes the attempt over needs and cannot read from the
 * container: kept in the attempt's folder (mode 0600; it holds the values to mask).
 */
interface AttemptRecord {
  runId: string;
  stage: string;
  attempt: number;
  secrets: readonly string[];
  /** Seq of the attempt's first line (its log's size counts from there). */
  firstSeq?: number;
  outputArtifacts: readonly { name: string; path: string }[];
  /** Seq of the container's first line: the lines before it are Cyclone's own (inputs, pull). */
  containerFirstSeq: number;
  memory?: string;
  /** The caches with the keys evaluated at the start: saved after a zero exit. */
  caches?: EvaluatedCache[];
  cacheScope?: CacheScope;
  /** The stage's resolver pushes and Http pushes: made after a zero exit, whoever follows it then. */
  resolvers?: readonly ResolverRun[];
  httpPushes?: readonly HttpPush[];
  limits?: StageLaunch['limits'];
}

type Step = 'inputs' | 'image' | 'resolvers' | 'services' | 'container';

/**
 * One attempt in one container, from inputs to exit: inputs are placed in the run
 * workspace, the image is pulled per its policy, the container is created and
 * started, its log is stored line by line as it streams, and once it exits its
 * outputs and artifacts are collected and the container and folder removed. A
 * controller that takes over a running container (`resume`) skips the lines
 * already stored and goes on from there.
 */
export class ContainerAttempt {
  private readonly preparing = new AbortController();
  private isKilled = false;
  private isRecorded = false;
  private isDetached = false;
  private logs: { destroy(): void } | undefined;
  private ended: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly deps: AttemptDeps,
  ) {}

  private get outputLimits(): OutputLimits {
    return this.deps.outputLimits ?? DEFAULT_OUTPUT_LIMITS;
  }

  private get caches() {
    return { db: this.deps.db, store: this.deps.store, maxBytes: this.deps.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES };
  }

  private get folder(): string {
    return join(this.deps.dataDir, 'containers', this.name);
  }

  private get scratch(): string {
    return join(this.folder, 'cyclone');
  }

  /** Prepares and starts the container, then follows it to its exit; undefined: nothing to report. */
  runNew(launch: StageLaunch): Promise<StageExit | undefined> {
    return this.track(this.startAndFollow(launch));
  }

  /** Takes over a container whose follower is gone. */
  resume(attempt: RunningAttempt): Promise<StageExit | undefined> {
    return this.track(this.takeOver(attempt));
  }

  /** Remembers when the attempt's work ends, so `detach` can wait for its lines to be stored. */
  private track(run: Promise<StageExit | undefined>): Promise<StageExit | undefined> {
    this.ended = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Stop and timeout: SIGKILL and remove; the end is reported unless the caller records it. */
  kill(isRecorded: boolean): void {
    this.isKilled = true;
    this.isRecorded ||= isRecorded;
    this.preparing.abort();
    this.removeContainer().catch(() => undefined);
  }

  /** Shutdown: stops following (lines read so far are stored); the container runs on. */
  async detach(): Promise<void> {
    this.isDetached = true;
    this.preparing.abort();
    this.logs?.destroy();
    await this.ended;
  }

  private async startAndFollow(launch: StageLaunch): Promise<StageExit | undefined> {
    const writer = LogWriter.forAttempt(this.deps.sql, this.deps.logger, launch, this.outputLimits);
    const workspace = this.deps.workspaceOf(launch.runId);
    // Host-side paths relative to the workspace, which the container sees at /workspace
    // (and a path outside it, /go/src, at its top-level folder: see outsideFolders). A
    // path no stage may name fails the attempt below, as its inputs.
    let pathProblem: string | undefined;
    const subpath = (path: string) => {
      try {
        return workspaceSubpath(path);
      } catch (error) {
        pathProblem ??= (error as Error).message;
        return '.';
      }
    };
    const inWorkspace = {
      resources: launch.resources?.map((r) => ({ ...r, path: subpath(r.path) })),
      artifacts: launch.artifacts?.map((a) => ({ ...a, path: subpath(a.path) })),
      workingDir: subpath(launch.workingDir ?? '.'),
    };
    // Resolvers and Http pushes resolve their paths themselves, but a system folder must
    // fail here too, before it becomes an outside folder mounted over the image's.
    for (const { path } of [...(launch.resolvers ?? []), ...(launch.httpPushes ?? [])]) subpath(path);
    const outside = outsideFolders([
      launch.workingDir ?? '.',
      ...(launch.resources ?? []).map((r) => r.path),
      ...(launch.artifacts ?? []).map((a) => a.path),
      ...(launch.outputArtifacts ?? []).map((o) => o.path),
      ...(launch.resolvers ?? []).map((r) => r.path),
      ...(launch.httpPushes ?? []).map((p) => p.path),
    ]);
    const record: AttemptRecord = {
      runId: launch.runId,
      stage: launch.stage,
      attempt: launch.attempt,
      secrets: launch.secrets ?? [],
      firstSeq: launch.firstSeq,
      outputArtifacts: (launch.outputArtifacts ?? []).map((o) => ({ ...o, path: subpath(o.path) })),
      containerFirstSeq: 0,
      ...(launch.limits?.memory ? { memory: launch.limits.memory } : {}),
      ...(launch.limits ? { limits: launch.limits } : {}),
      resolvers: (launch.resolvers ?? []).filter((r) => r.operation === 'push'),
      httpPushes: launch.httpPushes ?? [],
    };
    let step: Step = 'inputs';
    let container: Docker.Container;
    try {
      if (pathProblem) throw new Error(pathProblem);
      await mkdir(workspace, { recursive: true });
      // Images may run as any user: the workspace and scratch folder are theirs, as an emptyDir is.
      await chmod(workspace, 0o777);
      for (const folder of [...outside, '.cyclone']) await mkdir(join(workspace, folder), { recursive: true });
      const original = launch.retryOf ? this.deps.workspaceOf(launch.retryOf.runId) : '';
      const pulls = this.deps.pullsOf(launch.runId);
      await seedWorkspace({ workspace, pulls }, original, launch, writer, this.preparing.signal);
      await prepareInputs(
        inWorkspace,
        { workspace, pulls, kept: this.deps.keptResources },
        this.deps.store,
        writer,
        this.preparing.signal,
      );
      record.caches = await restoreCaches(this.caches, launch, { workspace }, writer, this.preparing.signal);
      await makeAcceleratedFolders(workspace, launch);
      if (launch.cacheScope) record.cacheScope = launch.cacheScope;
      step = 'image';
      await this.ensureImage(imageOf(launch), launch, writer);
      // Resolvers pull last: what they bring lands on the other inputs, as in the original's pod.
      step = 'resolvers';
      await runResolvers(
        this.resolverDeps(writer),
        launch,
        'pull',
        this.resolverPlaces(workspace),
        writer,
        this.preparing.signal,
      );
      step = 'services';
      const services = await startServices(
        { ...this.deps, ensureImage: (image) => this.ensureImage(image, {}, writer) },
        launch,
        this.name,
        writer,
        this.preparing.signal,
      );
      step = 'container';
      this.preparing.signal.throwIfAborted();
      await mkdir(this.scratch, { recursive: true, mode: 0o700 });
      await chmod(this.scratch, 0o777);
      record.containerFirstSeq = writer.nextLineSeq;
      await writeFile(join(this.folder, 'attempt.json'), JSON.stringify(record), { mode: 0o600 });
      container = await inSpan(
        'cyclone.container.start',
        { 'cyclone.run.id': launch.runId, 'cyclone.stage': launch.stage, 'container.image.name': launch.image },
        async (span) => {
          const created = await this.deps.docker.createContainer(
            containerSpec(launch, { workspace, scratch: this.scratch }, this.deps.settings, {
              network: sharedNetworkOf(this.name, launch.services ?? []),
              hostsFile: services.hostsFile,
              outside,
            }),
          );
          span.setAttribute('container.id', created.id);
          if (this.isKilled || this.isDetached) throw new Error('stopped while starting');
          await created.start();
          return created;
        },
      );
    } catch (error) {
      await this.removeContainer().catch(() => undefined);
      await writer.close();
      if (this.isDetached && !this.isKilled) return undefined;
      await rm(this.folder, { recursive: true, force: true });
      if (this.isKilled)
        return this.isRecorded ? undefined : { ...record, exitCode: null, message: 'killed', outputs: [] };
      const reason = writer.mask((error as Error).message);
      const message =
        step === 'inputs'
          ? `inputs: ${reason}`
          : step === 'image'
            ? `image "${launch.image}": ${reason}`
            : step === 'services' || step === 'resolvers'
              ? reason
              : `could not start the container: ${reason}`;
      return { ...record, exitCode: null, message, outputs: [] };
    }
    return this.followToExit(container, writer, NO_PIECES, record);
  }

  private async takeOver(attempt: RunningAttempt): Promise<StageExit | undefined> {
    const base = { runId: attempt.runId, stage: attempt.stage, attempt: attempt.attempt, outputs: [] };
    const container = this.deps.docker.getContainer(this.name);
    const record = await readFile(join(this.folder, 'attempt.json'), 'utf8')
      .then((text) => JSON.parse(text) as AttemptRecord)
      .catch(() => undefined);
    const state = (await container.inspect()).State;
    if (!record || state.Status === 'created') {
      await this.removeContainer().catch(() => undefined);
      await rm(this.folder, { recursive: true, force: true });
      return {
        ...base,
        exitCode: null,
        message: 'the container was never started: its controller stopped while starting it',
      };
    }
    const { writer, skip } = await this.resumedWriter(record);
    return this.followToExit(container, writer, skip, record);
  }

  /**
   * A writer that goes on after the lines the attempt stored already (by this controller
   * or one before it), within what is left of its log limit, and the pieces of each
   * stream of the container's log those lines hold (a line is cut the same way however
   * it is read; past a truncation nothing more is stored, so the count no longer matters).
   */
  private async resumedWriter(record: AttemptRecord): Promise<{ writer: LogWriter; skip: PieceCounts }> {
    const [stored] = await this.deps.db.$queryRaw<
      { last: bigint; bytes: bigint; truncated: boolean; stdout: number; stderr: number }[]
    >`
      SELECT coalesce(max(seq), 0)::bigint AS last,
        coalesce(sum(octet_length(text)) FILTER (WHERE seq >= ${record.firstSeq ?? record.containerFirstSeq}), 0)::bigint AS bytes,
        coalesce(bool_or(starts_with(text, ${TRUNCATED_PREFIX}))
          FILTER (WHERE seq >= ${record.containerFirstSeq}), false) AS truncated,
        (count(*) FILTER (WHERE seq >= ${record.containerFirstSeq} AND stream = 'STDOUT'))::int AS stdout,
        (count(*) FILTER (WHERE seq >= ${record.containerFirstSeq} AND stream = 'STDERR'))::int AS stderr
      FROM log_lines
      WHERE run_id = ${record.runId}::uuid AND stage = ${record.stage}`;
    const writer = new LogWriter(this.deps.sql, this.deps.logger, {
      runId: record.runId,
      stage: record.stage,
      firstSeq: Number(stored?.last ?? 0n) + 1,
      secrets: record.secrets,
      limits: this.outputLimits,
      stored: { bytes: Number(stored?.bytes ?? 0n), isTruncated: stored?.truncated ?? false },
    });
    return { writer, skip: { STDOUT: stored?.stdout ?? 0, STDERR: stored?.stderr ?? 0 } };
  }

  /**
   * Stores the container's lines again from its whole log, when what the follow read
   * gave disagrees with it: Podman 4.3's follow read garbles a line it reaches while the
   * engine is still writing it. Live followers saw the garbled lines; the log keeps the
   * engine's. Returns the writer that goes on after them.
   */
  private async restoreLog(container: Docker.Container, writer: LogWriter, record: AttemptRecord): Promise<LogWriter> {
    await writer.close();
    await this.deps.db.$executeRaw`
      DELETE FROM log_lines
      WHERE run_id = ${record.runId}::uuid AND stage = ${record.stage} AND seq >= ${record.containerFirstSeq}`;
    const fresh = (await this.resumedWriter(record)).writer;
    const whole = await wholeLog(container);
    fresh.throttle(whole);
    await readLogLines(whole, (stream, piece) => fresh.piece(stream, piece), { cutter: () => fresh.cutter() });
    this.deps.logger.warn(
      { runId: record.runId, stage: record.stage },
      "the engine's follow read disagreed with its stored log: the stage's lines were stored again from the log",
    );
    return fresh;
  }

  private async followToExit(
    container: Docker.Container,
    writer: LogWriter,
    skip: PieceCounts,
    record: AttemptRecord,
  ): Promise<StageExit | undefined> {
    const base = { runId: record.runId, stage: record.stage, attempt: record.attempt };
    const store = (stream: OutputStream, piece: LinePiece) => writer.piece(stream, piece);
    const cutter = () => writer.cutter();
    // Pieces of each stream stored, by this controller or one before it.
    let stored = skip;
    let follow: CountedRead | undefined;
    try {
      const logs = await followedLog(container);
      this.logs = logs;
      if (this.isDetached) logs.destroy();
      // While the database lags, the engine keeps the log and this stream waits.
      writer.throttle(logs);
      follow = piecesAfter(skip, store);
      await readLogLines(logs, follow.onPiece, { cutter, isLastRead: false });
      stored = mostOf(skip, follow.seen);
    } catch (error) {
      if (!this.isKilled && !this.isDetached) throw error;
    }
    if (this.isDetached) {
      await writer.close();
      return undefined;
    }
    let exit: StageExit;
    try {
      if (this.isKilled) throw new Error('killed');
      await container.wait();
      // The follow stream may end before the engine stored the last output: read the rest.
      const rest = await wholeLog(container);
      writer.throttle(rest);
      const whole = piecesAfter(stored, store, follow?.seen);
      await readLogLines(rest, whole.onPiece, { cutter });
      if (follow && whole.digest() !== follow.digest()) writer = await this.restoreLog(container, writer, record);
      const state = (await container.inspect()).State;
      const isOomKilled =
        state.OOMKilled ||
        (this.deps.settings.reportsOomKills &&
          state.ExitCode === 137 &&
          !!record.memory &&
          // An engine that cannot say is not a kill by us: the exit code stands.
          (await engineLoggedOomKill(this.deps.docker, container.id, state.StartedAt).catch(() => false)));
      exit = { ...base, exitCode: state.ExitCode, outputs: [], message: '' };
      exit.message = exitMessage(
        {
          exitCode: state.ExitCode,
          isOomKilled,
          wasKilled: false,
          reportsOomKills: this.deps.settings.reportsOomKills,
        },
        record.memory,
      );
      if (state.ExitCode === 0) {
        exit.outputs = await readResults(this.scratch, join(this.scratch, 'results'), this.outputLimits, writer);
        const failure = await this.deliverOutputs(record, writer);
        if (failure) exit = { ...base, exitCode: null, outputs: [], message: writer.mask(failure) };
      }
    } catch {
      // Removed under us: only a kill does that.
      exit = { ...base, exitCode: null, outputs: [], message: 'killed' };
    }
    await writer.close();
    // Shut down mid-push: the container and record stay for the next controller, which pushes again.
    if (this.isDetached && !this.isKilled) return undefined;
    await this.removeContainer().catch(() => undefined);
    await rm(this.folder, { recursive: true, force: true });
    return this.isRecorded ? undefined : exit;
  }

  /**
   * After a zero exit, in this order: output artifacts, resolver pushes, Http pushes,
   * then caches (saved only when everything before succeeded). The first failure's
   * message; a kill or shutdown meanwhile throws.
   */
  private async deliverOutputs(record: AttemptRecord, writer: LogWriter): Promise<string | undefined> {
    const workspace = this.deps.workspaceOf(record.runId);
    const attempt = { runId: record.runId, stage: record.stage, attempt: record.attempt };
    try {
      await collectArtifacts(
        this.deps.db,
        this.deps.store,
        workspace,
        { ...attempt, outputArtifacts: record.outputArtifacts },
        writer,
      );
    } catch (error) {
      return `output artifacts: ${(error as Error).message}`;
    }
    try {
      await runResolvers(
        this.resolverDeps(writer),
        { ...attempt, limits: record.limits, resolvers: record.resolvers },
        'push',
        this.resolverPlaces(workspace),
        writer,
        this.preparing.signal,
      );
      await sendWorkspaceHttpPushes(workspace, record.httpPushes, writer);
    } catch (error) {
      if (this.isKilled || this.isDetached) throw error;
      return (error as Error).message;
    }
    await saveCaches(this.caches, record.cacheScope, record.runId, workspace, record.caches ?? [], writer);
    return undefined;
  }

  private resolverDeps(writer: LogWriter) {
    return { ...this.deps, ensureImage: (image: string) => this.ensureImage(image, {}, writer) };
  }

  private resolverPlaces(workspace: string) {
    return { attemptContainer: this.name, workspace, attemptFolder: this.folder };
  }

  /** Pulls an image (the stage's, a service's or a resolver's) per its policy; only the stage's image has pull credentials. */
  private ensureImage(image: string, launch: Pick<StageLaunch, 'pullPolicy' | 'pullAuth'>, writer: LogWriter) {
    return ensureImage(this.deps.docker, image, launch, writer, this.preparing.signal);
  }

  /** Removes the stage's container, then its resolvers and services (none outlives its stage). */
  private async removeContainer(): Promise<void> {
    try {
      await this.deps.docker.getContainer(this.name).remove({ force: true });
    } finally {
      await removeResolvers(this.deps.docker, this.name).catch(() => undefined);
      await removeServices(this.deps.docker, this.name);
    }
  }
}
