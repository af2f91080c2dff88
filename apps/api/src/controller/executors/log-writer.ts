import type { Readable } from 'node:stream';
import type { Db } from '../../db/prisma.js';
import type { LogStream } from '../../generated/prisma/enums.js';
import type { Logger } from '../../logging/logger.js';
import { RUN_CHANNEL } from '../../modules/runs/run-events.js';

const FLUSH_INTERVAL_MS = 100;
const MAX_BATCH = 500;
/** Longer lines are cut so one runaway line cannot hold the whole batch. */
const MAX_LINE_CHARS = 16_384;

interface PendingLine {
  seq: bigint;
  stream: LogStream;
  timestamp: Date;
  text: string;
}

/**
 * Splits a stage's output into lines and stores them in batches (every 100 ms or
 * 500 lines). Lines get consecutive seqs in the order they complete; batches are
 * written one after another, so the stored seqs have no gaps.
 */
export class LogWriter {
  private nextSeq: bigint;
  private pending: PendingLine[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly streamsOpen = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly runId: string,
    private readonly stage: string,
    firstSeq: number,
  ) {
    this.nextSeq = BigInt(firstSeq);
  }

  follow(source: Readable, stream: LogStream): void {
    let partial = '';
    source.setEncoding('utf8');
    const ended = new Promise<void>((resolve) => {
      source.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) this.add(stream, line);
      });
      source.once('close', () => {
        if (partial !== '') this.add(stream, partial);
        partial = '';
        resolve();
      });
    });
    this.streamsOpen.add(ended);
  }

  /** Waits for both streams to end and every line to be stored. */
  async close(): Promise<void> {
    await Promise.all(this.streamsOpen);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
    await this.writing;
  }

  private add(stream: LogStream, line: string): void {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    this.pending.push({ seq: this.nextSeq, stream, timestamp: new Date(), text: text.slice(0, MAX_LINE_CHARS) });
    this.nextSeq += 1n;
    if (this.pending.length >= MAX_BATCH) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const data = batch.map((line) => ({ runId: this.runId, stage: this.stage, ...line }));
    this.writing = this.writing
      .then(() =>
        this.db.$transaction([
          this.db.logLine.createMany({ data, skipDuplicates: true }),
          this.db.$executeRaw`SELECT pg_notify(${RUN_CHANNEL}, ${this.runId})`,
        ]),
      )
      .then(
        () => undefined,
        (error: unknown) => this.logger.error({ err: error, runId: this.runId, stage: this.stage }, 'log batch lost'),
      );
  }
}
