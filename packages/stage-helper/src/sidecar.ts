import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_OUTPUT_LIMITS,
  type LineCutter,
  type OutputLimits,
  parseResultsHead,
  resultsCutNotice,
} from '@cyclone/domain/core';
import { FinalRefusal, postJson } from './api-client.js';
import { type OutputArtifact, uploadArtifact } from './artifacts.js';
import { saveCaches } from './caches.js';
import { LineQueue, type Stream } from './lines.js';
import { type HttpPushPath, sendHttpResource } from './resource-pushes.js';

const POLL_MS = 200;
const BATCH = 500;
/** Characters of text per batch: the API takes request bodies of up to 8 MB. */
const BATCH_CHARS = 1024 * 1024;
/** Bytes read of a stream per round: the queue (and the helper's memory) stays bounded while the API lags. */
const READ_BYTES = 1024 * 1024;

export interface SidecarEnv {
  apiUrl: string;
  token: string;
  firstSeq: number;
  secrets: string[];
  /** The helper volume: stdout, stderr (written by the workload wrapper), exit, results. */
  dir: string;
  resultsFile: string;
  /** Declared output artifacts (pod paths), uploaded after a zero exit. */
  outputArtifacts?: OutputArtifact[];
  /** The installation's limits (CYCLONE_LOG_*_BYTES from the API); the defaults when absent. */
  limits?: OutputLimits;
  /** The run workspace, whose cache paths are saved after a zero exit (keys in `<dir>/caches.json`). */
  workspace?: string;
  /** Http resources sent through the API after a zero exit (after the artifacts). */
  httpPushes?: HttpPushPath[];
  /**
   * With push resolvers: the folder they wait in for `ok`, written once everything
   * else succeeded; otherwise `<dir>/pushes-cancelled` says they never will be notified.
   */
  notifyDir?: string;
}

/** Reads, a bounded slice at a time, what was appended to a file. */
class Tail {
  private fd: number | undefined;
  private offset = 0;
  private readonly buffer = Buffer.alloc(64 * 1024);

  constructor(
    readonly path: string,
    readonly cutter: LineCutter,
  ) {}

  /** Up to READ_BYTES appended since the last call (`isAtEnd`: nothing more was there). */
  read(): { bytes: Buffer; isAtEnd: boolean } {
    if (this.fd === undefined) {
      if (!existsSync(this.path)) return { bytes: Buffer.alloc(0), isAtEnd: true };
      this.fd = openSync(this.path, 'r');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    while (size < READ_BYTES) {
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, this.offset);
      if (n <= 0) return { bytes: Buffer.concat(chunks), isAtEnd: true };
      this.offset += n;
      size += n;
      chunks.push(Buffer.from(this.buffer.subarray(0, n)));
    }
    return { bytes: Buffer.concat(chunks), isAtEnd: false };
  }
}

/**
 * Ships the workload's lines to the API as they are written, and when the workload
 * has ended (its exit file appears, or the kubelet stops this sidecar) ships the
 * rest and, after a zero exit, the `$CYCLONE_RESULTS` outputs. Returns when done.
 * Each round reads a bounded slice of each stream and ships it before reading on,
 * so a flood waits in the pod's files, not in this process.
 */
export async function runSidecar(env: SidecarEnv, stopSignal: { isStopping: boolean }): Promise<void> {
  const limits = env.limits ?? DEFAULT_OUTPUT_LIMITS;
  const queue = new LineQueue(env.firstSeq, env.secrets, limits);
  const tails: [Stream, Tail][] = [
    ['STDOUT', new Tail(join(env.dir, 'stdout'), queue.cutter())],
    ['STDERR', new Tail(join(env.dir, 'stderr'), queue.cutter())],
  ];
  let isRefused = false;
  /** Queues a slice of each stream; true when both were read to their current end. */
  const collect = (isFinal: boolean) => {
    let isAtEnd = true;
    for (const [stream, tail] of tails) {
      const read = tail.read();
      for (const piece of tail.cutter.push(read.bytes)) queue.add(stream, piece);
      if (isFinal && read.isAtEnd) for (const piece of tail.cutter.end()) queue.add(stream, piece);
      isAtEnd &&= read.isAtEnd;
    }
    return isAtEnd;
  };
  const ship = async () => {
    while (queue.size > 0 && !isRefused) {
      const batch = queue.peek(BATCH, BATCH_CHARS);
      try {
        await postJson(env.apiUrl, env.token, '/internal/stages/logs', { lines: batch });
        queue.ack(batch.length);
      } catch (error) {
        if (error instanceof FinalRefusal) isRefused = true;
        else throw error;
      }
    }
  };

  const exitFile = join(env.dir, 'exit');
  for (;;) {
    const isEnding = stopSignal.isStopping || existsSync(exitFile);
    // A stream read to its end is ended once (the workload wrote its last byte before its exit file).
    const isAtEnd = collect(isEnding);
    try {
      await ship();
    } catch (error) {
      // The API is away: lines stay queued and are sent with the next batch.
      process.stderr.write(`cyclone-stage-helper: ${(error as Error).message}\n`);
      if (isEnding) break;
    }
    if (isEnding && isAtEnd) break;
    if (isAtEnd) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }

  const exitCode = existsSync(exitFile) ? Number(readFileSync(exitFile, 'utf8').trim()) : Number.NaN;
  const cachesFile = join(env.dir, 'caches.json');
  const hasCaches = env.workspace !== undefined && existsSync(cachesFile);
  const httpPushes = env.httpPushes ?? [];
  let isStored = exitCode === 0 && !isRefused;
  if (isStored && ((env.outputArtifacts?.length ?? 0) > 0 || hasCaches || httpPushes.length > 0)) {
    // Before the outputs: the attempt stays RUNNING until this sidecar ends, so uploads are accepted.
    const log = (line: string) => queue.own('STDOUT', line);
    const transfer = { apiUrl: env.apiUrl, token: env.token, log };
    for (const artifact of env.outputArtifacts ?? []) {
      isStored = (await uploadArtifact(transfer, artifact)) && isStored;
    }
    if (hasCaches) await saveCaches(transfer, cachesFile, env.workspace as string);
    // Not after a failed upload: the attempt fails, and nothing goes out for it.
    for (const push of httpPushes) if (isStored) isStored = await sendHttpResource(transfer, push);
    await ship().catch((error: unknown) => {
      process.stderr.write(`cyclone-stage-helper: ${(error as Error).message}\n`);
    });
  }
  if (exitCode === 0 && existsSync(env.resultsFile) && !isRefused) {
    const { outputs, isCut } = parseResultsHead(
      readHead(env.resultsFile, limits.maxResultsBytes + 1),
      limits.maxResultsBytes,
      env.secrets,
    );
    if (isCut) {
      queue.own('STDERR', resultsCutNotice(limits.maxResultsBytes));
      await ship().catch(() => undefined);
    }
    await postJson(env.apiUrl, env.token, '/internal/stages/outputs', { outputs }).catch((error: unknown) => {
      process.stderr.write(`cyclone-stage-helper: outputs not stored: ${(error as Error).message}\n`);
    });
  }
  if (env.notifyDir) notifyPushes(env.notifyDir, env.dir, isStored);
}

/**
 * The original's signal to push resolvers: `ok` once the data is ready. When it never
 * will be, the cancellation file makes this helper ready, which ends the attempt.
 */
function notifyPushes(notifyDir: string, dir: string, isReady: boolean): void {
  if (isReady) writeFileSync(join(notifyDir, 'ok'), '');
  else writeFileSync(join(dir, 'pushes-cancelled'), '');
}

/** The first `maxBytes` of a file. */
function readHead(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes);
    let size = 0;
    for (;;) {
      const n = readSync(fd, buffer, size, maxBytes - size, size);
      if (n <= 0 || size + n >= maxBytes) return buffer.subarray(0, size + Math.max(n, 0));
      size += n;
    }
  } finally {
    closeSync(fd);
  }
}
