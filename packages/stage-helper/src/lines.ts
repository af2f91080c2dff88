import {
  DEFAULT_OUTPUT_LIMITS,
  LineCutter,
  type LinePiece,
  LogBudget,
  maskList,
  type OutputLimits,
  pieceText,
} from '@cyclone/domain/core';

export type Stream = 'STDOUT' | 'STDERR';

export interface ShippedLine {
  seq: number;
  stream: Stream;
  timestamp: string;
  text: string;
}

/**
 * Numbers an attempt's lines from its first seq and hands out batches, the way the
 * API's own log writer stores them (the same cutter, marks, masking and log limit,
 * from @cyclone/domain/core): each stream is cut into pieces within the line limit,
 * secret values are masked, and past the log limit one line says the log was
 * truncated and later output is dropped.
 */
export class LineQueue {
  private nextSeq: number;
  private pending: ShippedLine[] = [];
  private readonly masked: string[];
  private readonly budget: LogBudget;

  constructor(
    firstSeq: number,
    private readonly secrets: readonly string[],
    private readonly limits: Pick<OutputLimits, 'maxLineBytes' | 'maxLogBytes'> = DEFAULT_OUTPUT_LIMITS,
  ) {
    this.nextSeq = firstSeq;
    this.masked = maskList(secrets);
    this.budget = new LogBudget(limits.maxLogBytes);
  }

  /** A cutter of one stream's bytes (one per stream, kept for the stream's life). */
  cutter(): LineCutter {
    return new LineCutter(this.limits.maxLineBytes, this.secrets);
  }

  /** Queues a piece of the stage's output, within the log limit. */
  add(stream: Stream, piece: LinePiece, now = new Date()): void {
    const text = this.budget.admit(pieceText(piece, this.masked));
    if (text !== undefined) this.push(stream, text, now);
  }

  /** Queues a line of the helper's own (kept after a truncation). */
  own(stream: Stream, line: string, now = new Date()): void {
    const cutter = this.cutter();
    for (const piece of [...cutter.push(new TextEncoder().encode(line)), ...cutter.end()]) {
      const text = pieceText(piece, this.masked);
      this.budget.own(text);
      this.push(stream, text, now);
    }
  }

  get isTruncated(): boolean {
    return this.budget.isTruncated;
  }

  private push(stream: Stream, text: string, now: Date): void {
    this.pending.push({ seq: this.nextSeq, stream, timestamp: now.toISOString(), text });
    this.nextSeq += 1;
  }

  get size(): number {
    return this.pending.length;
  }

  /**
   * The next batch, at most `max` lines and about `maxChars` of text (at least one
   * line); it stays queued until `ack`, so a failed send is retried with the same seqs.
   */
  peek(max: number, maxChars = Number.POSITIVE_INFINITY): ShippedLine[] {
    let count = 0;
    let chars = 0;
    while (count < this.pending.length && count < max) {
      chars += (this.pending[count] as ShippedLine).text.length;
      if (count > 0 && chars > maxChars) break;
      count += 1;
    }
    return this.pending.slice(0, count);
  }

  ack(count: number): void {
    this.pending = this.pending.slice(count);
  }
}
