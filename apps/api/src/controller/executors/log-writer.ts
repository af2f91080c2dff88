import type { Readable } from 'node:stream';
import {
  DEFAULT_OUTPUT_LIMITS,
  LineCutter,
  type LinePiece,
  LogBudget,
  maskList,
  maskSecrets,
  type OutputLimits,
  pieceText,
} from '@cyclone/domain/core';
import type { PlainSql } from '../../db/plain-sql.js';
import type { LogStream } from '../../generated/prisma/enums.js';
import type { Logger } from '../../logging/logger.js';
import type { StoredLine } from '../../modules/runs/run-events.js';
import { logBatchStoreOf } from './log-batch-store.js';

/** A line waits this long for company when nothing is being written (a burst is one batch). */
const FLUSH_DELAY_MS = 5;
/**
 * A stage's batches start at least this far apart unless one is full. A stage
 * printing steadily (100 lines/s) otherwise wrote each line on its own: a statement, a
 * notification, a read and a message to every follower per line; 100 such stages kept
 * the API's one core busy and its followers minutes behind (bench/engine/log-scale.ts).
 * Paced, it writes a few lines a time, and its lines wait at most this long. At
 * 50 ms, 100 stages made 2,000 batches a second, each a message to every follower
 * (10,000 WebSocket frames a second for 500 of them) on a saturated machine; at 100 ms
 * the followers got their lines sooner, not later (p95 257 → 137 ms).
 */
const MIN_BATCH_INTERVAL_MS = 100;
/**
 * A batch holds at most this many lines and about this many characters. A batch is
 * copied several times on its way to Postgres: at 4 MiB a flood of long lines ran the
 * API (256 MiB heap) out of memory (bench/engine/flood.ts); 1 MiB keeps it far below.
 */
const MAX_BATCH = 1_000;
const MAX_BATCH_CHARS = 1024 * 1024;

export interface LogWriterOptions {
  runId: string;
  stage: string;
  /** Seq of the first line this writer stores. */
  firstSeq: number;
  /** Values masked as `***`. */
  secrets?: readonly string[];
  limits?: Pick<OutputLimits, 'maxLineBytes' | 'maxLogBytes'>;
  /** What the attempt stored before this writer (a controller taking it over): bytes, and whether it was truncated. */
  stored?: { bytes: number; isTruncated: boolean };
}

/**
 * Cuts a stage's output into lines (LineCutter of @cyclone/domain/core) and stores
 * them in batches: a line is written at once (after FLUSH_DELAY_MS) when no batch is
 * being written and none started in the last MIN_BATCH_INTERVAL_MS, else it goes
 * with the lines that arrive until then. So a quiet stage's lines reach subscribers
 * within milliseconds and a loud one's are written in batches, large ones when
 * Postgres is slow. Each batch is stored with its notification by the pool's
 * LogBatchStore (with other stages' batches when they queue up); one batch is written
 * at a time, so the stored seqs have no gaps.
 *
 * What it holds stays bounded however a stage prints: a line longer than the line
 * limit is stored in pieces; while a batch is written and a full one waits, the
 * streams it reads are paused (the stage then blocks on its pipe, or the engine
 * keeps its log); past the attempt's log limit one line says the log was truncated
 * and later output is read and dropped (LogBudget). Secret values are masked in each
 * piece (a piece is never cut inside one).
 */
export class LogWriter {
  private nextSeq: bigint;
  private pending: StoredLine[] = [];
  private pendingChars = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** When the last batch started (performance.now()). */
  private lastBatchAt = Number.NEGATIVE_INFINITY;
  private readonly streamsOpen = new Set<Promise<void>>();
  /** Streams paused while the batches are full. */
  private readonly throttled = new Set<Readable>();
  private isPaused = false;
  private readonly budget: LogBudget;
  /** Secret values and their lines, longest first. */
  private readonly secrets: string[];
  private readonly rawSecrets: readonly string[];
  private readonly maxLineBytes: number;
  readonly runId: string;
  readonly stage: string;

  constructor(
    private readonly sql: PlainSql,
    private readonly logger: Logger,
    options: LogWriterOptions,
  ) {
    this.runId = options.runId;
    this.stage = options.stage;
    this.nextSeq = BigInt(options.firstSeq);
    this.rawSecrets = options.secrets ?? [];
    this.secrets = maskList(this.rawSecrets);
    const limits = options.limits ?? DEFAULT_OUTPUT_LIMITS;
    this.maxLineBytes = limits.maxLineBytes;
    this.budget = new LogBudget(limits.maxLogBytes, options.stored);
  }

  /** The writer of one attempt's lines, from its first seq, masking its secrets. */
  static forAttempt(
    sql: PlainSql,
    logger: Logger,
    launch: { runId: string; stage: string; firstSeq: number; secrets?: readonly string[] },
    limits?: Pick<OutputLimits, 'maxLineBytes' | 'maxLogBytes'>,
  ): LogWriter {
    const { runId, stage, firstSeq, secrets } = launch;
    return new LogWriter(sql, logger, {
      runId,
      stage,
      firstSeq,
      ...(secrets ? { secrets } : {}),
      ...(limits ? { limits } : {}),
    });
  }

  /** The values this writer masks (outputs are masked with them too). */
  get secretValues(): readonly string[] {
    return this.rawSecrets;
  }

  /** The seq the next line will get. */
  get nextLineSeq(): number {
    return Number(this.nextSeq);
  }

  /** True once the attempt's log reached its limit (later output is dropped). */
  get isTruncated(): boolean {
    return this.budget.isTruncated;
  }

  /** A cutter of one stream's bytes into this writer's pieces (same limit, same secrets). */
  cutter(): LineCutter {
    return new LineCutter(this.maxLineBytes, this.rawSecrets);
  }

  /** Masks a text the way stored lines are masked (e.g. a stage message, an output value). */
  mask(text: string): string {
    return maskSecrets(text, this.secrets);
  }

  /** Stores one line (or several, split at newlines) written by Cyclone itself; kept after a truncation. */
  line(stream: LogStream, text: string): void {
    const cutter = this.cutter();
    for (const piece of [...cutter.push(Buffer.from(text)), ...cutter.end()]) {
      const stored = pieceText(piece, this.secrets);
      this.budget.own(stored);
      this.push(stream, stored);
    }
  }

  /** Stores one piece of a stage's output (a LineCutter's), within the log limit; returns it masked. */
  piece(stream: LogStream, piece: LinePiece): string {
    const stored = pieceText(piece, this.secrets);
    const admitted = this.budget.admit(stored);
    if (admitted !== undefined) this.push(stream, admitted);
    return stored;
  }

  /** Stores a stage's stream as it arrives, pausing it while batches are full. */
  follow(source: Readable, stream: LogStream, onLine?: (masked: string) => void): void {
    const cutter = this.cutter();
    const take = (pieces: LinePiece[]) => {
      for (const piece of pieces) {
        const masked = this.piece(stream, piece);
        onLine?.(masked);
      }
    };
    this.throttle(source);
    const ended = new Promise<void>((resolve) => {
      source.on('data', (chunk: Buffer | string) => take(cutter.push(Buffer.from(chunk))));
      source.once('close', () => {
        take(cutter.end());
        resolve();
      });
    });
    this.streamsOpen.add(ended);
  }

  /** Pauses `source` whenever a full batch waits for the one being written (until it closes). */
  throttle(source: Readable): void {
    this.throttled.add(source);
    source.once('close', () => this.throttled.delete(source));
    if (this.isPaused) source.pause();
  }

  /** Waits for the followed streams to end and every line to be stored. */
  async close(): Promise<void> {
    await Promise.all(this.streamsOpen);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // A write that ends may start the next batch: wait until nothing is left.
    while (this.pending.length > 0 || this.inFlight) {
      this.flush();
      await this.inFlight;
    }
  }

  private push(stream: LogStream, text: string): void {
    this.pending.push({ seq: this.nextSeq.toString(), stage: this.stage, stream, timestamp: new Date(), text });
    this.pendingChars += text.length;
    this.nextSeq += 1n;
    if (this.inFlight) {
      if (this.isFull && !this.isPaused) this.setPaused(true);
    } else this.schedule();
  }

  /** Writes a full batch now, else when the line has had company and the stage's pace allows. */
  private schedule(): void {
    if (this.pending.length === 0) return;
    if (this.isFull) {
      this.flush();
      return;
    }
    if (this.timer) return;
    const paced = this.lastBatchAt + MIN_BATCH_INTERVAL_MS - performance.now();
    this.timer = setTimeout(() => this.flush(), Math.max(FLUSH_DELAY_MS, paced));
  }

  private get isFull(): boolean {
    return this.pending.length >= MAX_BATCH || this.pendingChars >= MAX_BATCH_CHARS;
  }

  private setPaused(isPaused: boolean): void {
    this.isPaused = isPaused;
    for (const source of this.throttled) {
      if (isPaused) source.pause();
      else source.resume();
    }
  }

  /** Starts writing the next batch unless one is being written (its end starts the next). */
  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight || this.pending.length === 0) return;
    let count = 0;
    let chars = 0;
    while (count < this.pending.length && count < MAX_BATCH && (count === 0 || chars < MAX_BATCH_CHARS)) {
      chars += (this.pending[count] as StoredLine).text.length;
      count += 1;
    }
    const batch = this.pending.splice(0, count);
    this.pendingChars -= chars;
    this.lastBatchAt = performance.now();
    this.inFlight = logBatchStoreOf(this.sql)
      .store(this.runId, this.stage, batch, chars)
      .catch((error: unknown) =>
        this.logger.error({ err: error, runId: this.runId, stage: this.stage }, 'log batch lost'),
      )
      .then(() => {
        this.inFlight = undefined;
        // Lines that arrived during the write go as one batch, at the stage's pace.
        this.schedule();
        if (this.isPaused && !this.isFull) this.setPaused(false);
      });
  }
}
