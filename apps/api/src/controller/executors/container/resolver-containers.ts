import { access, chmod, mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { LinePiece } from '@cyclone/domain/core';
import type Docker from 'dockerode';
import type { ResolverRun, StageLaunch } from '../executor.js';
import type { LogWriter } from '../log-writer.js';
import { workspacePath } from '../stage-paths.js';
import { followedLog, wholeLog } from './container-log.js';
import { type ContainerSettings, withDefaultTag } from './container-spec.js';
import { NO_PIECES, type OutputStream, piecesAfter, readLogLines } from './log-lines.js';
import { RESOLVER_OF_LABEL, resolverContainerSpec } from './resolver-spec.js';

export interface ResolverDeps {
  docker: Docker;
  settings: ContainerSettings;
  /** Pulls the image per its policy (the stage's rule). */
  ensureImage: (image: string) => Promise<void>;
}

export interface ResolverPlaces {
  /** The attempt's container name: resolver containers are named and labelled after it. */
  attemptContainer: string;
  workspace: string;
  /** A folder of the attempt's own (never the workspace) where a push's `notify/ok` is made. */
  attemptFolder: string;
}

/**
 * Runs the attempt's resolvers of one operation, one after the other in the stage's
 * order, each in its own container; their output goes into the stage's log. Throws,
 * naming the resource, when one cannot run or exits non-zero; on `signal` (kill,
 * shutdown) it stops waiting and leaves the container to whoever ends the attempt.
 */
export async function runResolvers(
  deps: ResolverDeps,
  launch: Pick<StageLaunch, 'runId' | 'stage' | 'attempt' | 'limits' | 'resolvers'>,
  operation: ResolverRun['operation'],
  places: ResolverPlaces,
  writer: LogWriter,
  signal: AbortSignal,
): Promise<void> {
  for (const [index, resolver] of (launch.resolvers ?? []).entries()) {
    if (resolver.operation !== operation) continue;
    signal.throwIfAborted();
    try {
      await runResolver(deps, launch, index, resolver, places, writer, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new Error(`resource "${resolver.name}": ${(error as Error).message}`);
    }
  }
}

async function runResolver(
  deps: ResolverDeps,
  launch: Pick<StageLaunch, 'runId' | 'stage' | 'attempt' | 'limits'>,
  index: number,
  resolver: ResolverRun,
  places: ResolverPlaces,
  writer: LogWriter,
  signal: AbortSignal,
): Promise<void> {
  writer.line('STDOUT', `[cyclone] resolver "${resolver.name}": ${resolver.operation} with ${resolver.image}`);
  await deps.ensureImage(withDefaultTag(resolver.image.trim())).catch((error: Error) => {
    throw new Error(`image "${resolver.image}": ${error.message}`);
  });
  const data = await dataFolder(places.workspace, resolver);
  let notify: string | undefined;
  if (resolver.operation === 'push') {
    notify = join(places.attemptFolder, 'notify');
    await mkdir(notify, { recursive: true });
    await writeFile(join(notify, 'ok'), '');
  }
  signal.throwIfAborted();
  const spec = resolverContainerSpec(launch, places.attemptContainer, index, resolver, { data, notify }, deps.settings);
  // A push a controller before this one left behind (it crashed mid-push) starts again.
  await removeQuietly(deps.docker.getContainer(spec.name as string));
  const container = await deps.docker.createContainer(spec).catch((error: Error) => {
    throw new Error(`its resolver could not be created: ${error.message}`);
  });
  try {
    await container.start();
    const exitCode = await followToEnd(container, writer, signal);
    if (exitCode !== 0) throw new Error(`resolver ${resolver.operation} exited with code ${exitCode}`);
  } finally {
    if (!signal.aborted) await removeQuietly(container);
  }
}

/**
 * The engine-host folder mounted as `$WORKDIR/data`: the stage's path in the run
 * workspace, made for a pull. Earlier stages own the workspace and may have left
 * links there: the folder (and, before anything is made, its nearest existing
 * parent) must lie inside the workspace, and its real path is what is mounted, since
 * the engine would follow a link anywhere on its host.
 */
async function dataFolder(workspace: string, resolver: ResolverRun): Promise<string> {
  const root = await realpath(workspace);
  const inside = async (path: string) => {
    const real = await realpath(path);
    if (real !== root && !real.startsWith(`${root}${sep}`)) {
      throw new Error(`${resolver.path} leads out of the run workspace`);
    }
    return real;
  };
  const target = workspacePath(workspace, resolver.path);
  let existing = target;
  while (!(await exists(existing))) existing = dirname(existing);
  await inside(existing);
  if (existing !== target) {
    if (resolver.operation === 'push') throw new Error(`${resolver.path} does not exist`);
    await mkdir(target, { recursive: true });
    // Images may run as any user: what Cyclone makes for them is theirs, as the workspace is.
    for (let made = target; made !== existing; made = dirname(made)) await chmod(made, 0o777);
  }
  return inside(target);
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Stores the container's log as it streams, waits for its exit and stores what the
 * follow stream missed (it may end before the engine stored the last output, as for
 * the stage's own container); returns the exit code.
 */
async function followToEnd(container: Docker.Container, writer: LogWriter, signal: AbortSignal): Promise<number> {
  const store = (stream: OutputStream, piece: LinePiece) => writer.piece(stream, piece);
  const cutter = () => writer.cutter();
  const follow = await followedLog(container);
  const stop = () => follow.destroy();
  signal.addEventListener('abort', stop, { once: true });
  try {
    writer.throttle(follow);
    const streamed = piecesAfter(NO_PIECES, store);
    await readLogLines(follow, streamed.onPiece, { cutter, isLastRead: false });
    await untilAborted(signal, container.wait());
    const rest = await wholeLog(container);
    writer.throttle(rest);
    await readLogLines(rest, piecesAfter(streamed.seen, store).onPiece, { cutter });
    signal.throwIfAborted();
    return (await container.inspect()).State.ExitCode;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** `work`, unless `signal` aborts first (then it throws the abort reason). */
async function untilAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  signal.throwIfAborted();
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

const removeQuietly = (container: Docker.Container) => container.remove({ force: true }).catch(() => undefined);

/** Removes every resolver container of an attempt (its end, a kill); how many went. */
export async function removeResolvers(docker: Docker, attemptContainer: string): Promise<number> {
  const found = await docker.listContainers({
    all: true,
    filters: { label: [`${RESOLVER_OF_LABEL}=${attemptContainer}`] },
  });
  let removed = 0;
  for (const { Id } of found) {
    await docker
      .getContainer(Id)
      .remove({ force: true })
      .then(() => (removed += 1))
      .catch(() => undefined);
  }
  return removed;
}
