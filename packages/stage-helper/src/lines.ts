/** Longer lines are cut, as the API cuts locally written ones. */
export const MAX_LINE_CHARS = 16_384;
export const MASK = '***';

export type Stream = 'STDOUT' | 'STDERR';

export interface ShippedLine {
  seq: number;
  stream: Stream;
  timestamp: string;
  text: string;
}

/** Secret values and each of their non-blank lines, longest first (as the API masks). */
export function maskList(secrets: readonly string[]): string[] {
  const parts = new Set<string>();
  for (const secret of secrets) {
    for (const piece of [secret, ...secret.split(/\r?\n/)]) if (piece.trim() !== '') parts.add(piece);
  }
  return [...parts].sort((a, b) => b.length - a.length);
}

export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) if (masked.includes(secret)) masked = masked.split(secret).join(MASK);
  return masked;
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

/** `key:value` lines of a $CYCLONE_RESULTS file; the first colon splits. */
export function parseOutputs(text: string): { key: string; value: string }[] {
  const outputs: { key: string; value: string }[] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    outputs.push({ key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() });
  }
  return outputs;
}
