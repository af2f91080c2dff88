import type { Readable } from 'node:stream';
import { MAX_LINE_CHARS, maskList, maskSecrets } from '@cyclone/domain/core';
import { CHANNELS } from '../../db/notification-hub.js';
import type { Db } from '../../db/prisma.js';
import type { LogStream } from '../../generated/prisma/enums.js';
import type { Logger } from '../../logging/logger.js';

/** A line waits this long for company when nothing is being written (a burst is one batch). */
const FLUSH_DELAY_MS = 5;
const MAX_BATCH = 1_000;

interface PendingLine {
  seq: bigint;
  stream: LogStream;
  timestamp: Date;
  text: string;
}

/**
 * Splits a stage's output into lines and stores them in batches: a line is written
 * at once (after FLUSH_DELAY_MS) when no batch is being written, else it waits for
 * that write to end and goes with the lines that arrived meanwhile (up to MAX_BATCH).
 * So a quiet stage's lines reach subscribers within milliseconds and a loud one's
 * are written in large batches. Each batch is one statement (insert and notify).
 * Lines get consecutive seqs in the order they complete; batches are
 * written one after another, so the stored seqs have no gaps. Secret values are
 * masked before a line is kept: output is split at line ends first, so a secret
 * that arrives split over two chunks of one line is still found whole.
 */
export class LogWriter {
  private nextSeq: bigint;
  private pending: PendingLine[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private readonly streamsOpen = new Set<Promise<void>>();
  /** Secret values and their lines, longest first. */
  private readonly secrets: string[];

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly runId: string,
    private readonly stage: string,
    firstSeq: number,
    secrets: readonly string[] = [],
  ) {
    this.nextSeq = BigInt(firstSeq);
    this.secrets = maskList(secrets);
  }

  /** The writer of one attempt's lines, from its first seq, masking its secrets. */
  static forAttempt(
    db: Db,
    logger: Logger,
    launch: { runId: string; stage: string; firstSeq: number; secrets?: readonly string[] },
  ): LogWriter {
    return new LogWriter(db, logger, launch.runId, launch.stage, launch.firstSeq, launch.secrets ?? []);
  }

  /** The seq the next line will get. */
  get nextLineSeq(): number {
    return Number(this.nextSeq);
  }

  /** Masks a text the way stored lines are masked (e.g. a stage message). */
  mask(text: string): string {
    return maskSecrets(text, this.secrets);
  }

  /** Stores one line (or several, split at newlines) written by Cyclone itself. */
  line(stream: LogStream, text: string): void {
    for (const part of text.split('\n')) this.add(stream, part);
  }

  follow(source: Readable, stream: LogStream, onLine?: (masked: string) => void): void {
    let partial = '';
    source.setEncoding('utf8');
    const ended = new Promise<void>((resolve) => {
      source.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          const masked = this.add(stream, line);
          onLine?.(masked);
        }
      });
      source.once('close', () => {
        if (partial !== '') {
          const masked = this.add(stream, partial);
          onLine?.(masked);
        }
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
    // A write that ends may start the next batch: wait until nothing is left.
    while (this.pending.length > 0 || this.inFlight > 0) {
      this.flush();
      await this.writing;
    }
  }

  private add(stream: LogStream, line: string): string {
    // Postgres text cannot hold NUL: one such byte would lose the whole batch.
    const raw = (line.endsWith('\r') ? line.slice(0, -1) : line).replaceAll('\u0000', '\uFFFD');
    // Masked before cutting, so a cut never leaves part of a secret behind.
    const text = this.secrets.length > 0 ? maskSecrets(raw, this.secrets) : raw;
    this.pending.push({ seq: this.nextSeq, stream, timestamp: new Date(), text: text.slice(0, MAX_LINE_CHARS) });
    this.nextSeq += 1n;
    if (this.pending.length >= MAX_BATCH) this.flush();
    else if (this.inFlight === 0) this.timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS);
    return text;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.inFlight += 1;
    this.writing = this.writing
      .then(() => this.write(batch))
      .then(
        () => undefined,
        (error: unknown) => this.logger.error({ err: error, runId: this.runId, stage: this.stage }, 'log batch lost'),
      )
      .then(() => {
        this.inFlight -= 1;
        // Lines that arrived during the write go now, as one batch.
        if (this.inFlight === 0 && this.pending.length > 0) this.flush();
      });
  }

  /** One statement: the rows (a row already stored is skipped) and, on commit, the notification. */
  private async write(batch: PendingLine[]): Promise<void> {
    const seqs = batch.map((line) => line.seq.toString());
    const streams = batch.map((line) => line.stream);
    const timestamps = batch.map((line) => line.timestamp.toISOString());
    const texts = batch.map((line) => line.text);
    await this.db.$executeRaw`
      WITH stored AS (
        INSERT INTO log_lines (run_id, stage, seq, stream, timestamp, text)
        SELECT ${this.runId}::uuid, ${this.stage}, v.seq, v.stream::"LogStream", v.ts, v.text
        FROM unnest(${seqs}::bigint[], ${streams}::text[], ${timestamps}::timestamptz[], ${texts}::text[])
          AS v(seq, stream, ts, text)
        ON CONFLICT DO NOTHING
        RETURNING 1
      )
      SELECT pg_notify(${CHANNELS.run}, ${this.runId}) FROM (SELECT count(*) FROM stored) AS done`;
  }
}
