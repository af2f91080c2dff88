/** Nearest-rank percentile of the values (ms); NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** b - a for every key present in both maps. */
export function gaps(a: Map<string, number>, b: Map<string, number>): number[] {
  const out: number[] = [];
  for (const [key, start] of a) {
    const end = b.get(key);
    if (end !== undefined) out.push(end - start);
  }
  return out;
}
