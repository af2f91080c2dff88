/**
 * The lines of one stage log, in seq order, each once. Lines arrive from a replay and
 * then live; after a reconnect the stream resumes after `lastSeq`, and anything that
 * arrives twice (an overlapping replay) is dropped here. Mutable and append-mostly, so
 * 100k lines cost one array, not one copy per line.
 */
export interface LogLine {
  seq: number;
  stage: string;
  stream: 'STDOUT' | 'STDERR';
  line: string;
  timestamp: string;
}

export class LogBuffer {
  readonly lines: LogLine[] = [];
  /** Bumped on every change, for React to notice. */
  version = 0;

  get lastSeq(): number {
    return this.lines[this.lines.length - 1]?.seq ?? 0;
  }

  get size(): number {
    return this.lines.length;
  }

  /** Adds lines, dropping duplicates; returns how many were new. */
  add(incoming: readonly LogLine[]): number {
    let added = 0;
    for (const line of incoming) {
      const last = this.lastSeq;
      if (line.seq > last) {
        this.lines.push(line);
        added++;
        continue;
      }
      // Late or repeated: insert only if the seq is missing.
      const at = lowerBound(this.lines, line.seq);
      if (this.lines[at]?.seq === line.seq) continue;
      this.lines.splice(at, 0, line);
      added++;
    }
    if (added) this.version++;
    return added;
  }

  /** Ranges of seqs that are missing between the first line and the last (should be none). */
  gaps(): [number, number][] {
    const out: [number, number][] = [];
    let expected = 1;
    for (const line of this.lines) {
      if (line.seq > expected) out.push([expected, line.seq - 1]);
      expected = line.seq + 1;
    }
    return out;
  }

  clear(): void {
    this.lines.length = 0;
    this.version++;
  }
}

function lowerBound(lines: readonly LogLine[], seq: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((lines[mid] as LogLine).seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Indexes of lines whose text contains `query` (case-insensitive). */
export function findMatches(
  lines: readonly { line: string }[],
  query: string,
  textOf: (line: string) => string,
): number[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [];
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (
      textOf((lines[i] as { line: string }).line)
        .toLowerCase()
        .includes(needle)
    )
      out.push(i);
  }
  return out;
}

/** The next (or previous) match index, wrapping around. */
export function stepMatch(count: number, current: number, direction: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return direction === 1 ? 0 : count - 1;
  return (current + direction + count) % count;
}
