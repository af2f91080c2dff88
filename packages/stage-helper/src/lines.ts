import { MAX_LINE_CHARS, maskSecrets } from '@cyclone/domain/core';

export type Stream = 'STDOUT' | 'STDERR';

export interface ShippedLine {
  seq: number;
  stream: Stream;
  timestamp: string;
  text: string;
}

/**
 * Turns chunks of one stream into complete lines; the unfinished tail waits for
 * the next chunk (or `end`).
 */
export class LineSplitter {
  private partial = '';

  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    return parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }

  end(): string[] {
    const rest = this.partial;
    this.partial = '';
    return rest === '' ? [] : [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
  }
}

/** Numbers lines from the attempt's first seq, masks them and hands out batches. */
export class LineQueue {
  private nextSeq: number;
  private pending: ShippedLine[] = [];

  constructor(
    firstSeq: number,
    private readonly secrets: readonly string[],
  ) {
    this.nextSeq = firstSeq;
  }

  add(stream: Stream, line: string, now = new Date()): void {
    const text = maskSecrets(line, this.secrets).slice(0, MAX_LINE_CHARS);
    this.pending.push({ seq: this.nextSeq, stream, timestamp: now.toISOString(), text });
    this.nextSeq += 1;
  }

  get size(): number {
    return this.pending.length;
  }

  /** The next batch; it stays queued until `ack`, so a failed send is retried with the same seqs. */
  peek(max: number): ShippedLine[] {
    return this.pending.slice(0, max);
  }

  ack(count: number): void {
    this.pending = this.pending.slice(count);
  }
}
