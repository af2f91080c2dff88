import { existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { maskList, parseOutputs } from '@cyclone/domain/core';
import { FinalRefusal, postJson } from './api-client.js';
import { type OutputArtifact, uploadArtifact } from './artifacts.js';
import { LineQueue, LineSplitter, type Stream } from './lines.js';

const POLL_MS = 200;
const BATCH = 500;

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
}

/** Reads what was appended to a file since the last call. */
class Tail {
  private fd: number | undefined;
  private offset = 0;
  private readonly buffer = Buffer.alloc(64 * 1024);
  readonly splitter = new LineSplitter();

  constructor(readonly path: string) {}

  read(): string {
    if (this.fd === undefined) {
      if (!existsSync(this.path)) return '';
      this.fd = openSync(this.path, 'r');
    }
    let text = '';
    for (;;) {
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, this.offset);
      if (n <= 0) return text;
      this.offset += n;
      text += this.buffer.subarray(0, n).toString('utf8');
    }
  }
}

/**
 * Ships the workload's lines to the API as they are written, and when the workload
 * has ended (its exit file appears, or the kubelet stops this sidecar) ships the
 * rest and, after a zero exit, the `$CYCLONE_RESULTS` outputs. Returns when done.
 */
export async function runSidecar(env: SidecarEnv, stopSignal: { isStopping: boolean }): Promise<void> {
  const queue = new LineQueue(env.firstSeq, maskList(env.secrets));
  const tails: [Stream, Tail][] = [
    ['STDOUT', new Tail(join(env.dir, 'stdout'))],
    ['STDERR', new Tail(join(env.dir, 'stderr'))],
  ];
  let isRefused = false;
  const collect = (isFinal: boolean) => {
    for (const [stream, tail] of tails) {
      for (const line of tail.splitter.push(tail.read())) queue.add(stream, line);
      if (isFinal) for (const line of tail.splitter.end()) queue.add(stream, line);
    }
  };
  const ship = async () => {
    while (queue.size > 0 && !isRefused) {
      const batch = queue.peek(BATCH);
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
    collect(isEnding);
    try {
      await ship();
    } catch (error) {
      // The API is away: lines stay queued and are sent with the next batch.
      process.stderr.write(`cyclone-stage-helper: ${(error as Error).message}\n`);
      if (isEnding) break;
    }
    if (isEnding) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }

  const exitCode = existsSync(exitFile) ? Number(readFileSync(exitFile, 'utf8').trim()) : Number.NaN;
  if (exitCode === 0 && !isRefused && (env.outputArtifacts?.length ?? 0) > 0) {
    // Before the outputs: the attempt stays RUNNING until this sidecar ends, so uploads are accepted.
    const log = (line: string) => queue.add('STDOUT', line);
    for (const artifact of env.outputArtifacts ?? []) {
      await uploadArtifact({ apiUrl: env.apiUrl, token: env.token, log }, artifact);
    }
    await ship().catch((error: unknown) => {
      process.stderr.write(`cyclone-stage-helper: ${(error as Error).message}\n`);
    });
  }
  if (exitCode === 0 && existsSync(env.resultsFile) && !isRefused) {
    const outputs = parseOutputs(readFileSync(env.resultsFile, 'utf8'));
    await postJson(env.apiUrl, env.token, '/internal/stages/outputs', { outputs }).catch((error: unknown) => {
      process.stderr.write(`cyclone-stage-helper: outputs not stored: ${(error as Error).message}\n`);
    });
  }
}
