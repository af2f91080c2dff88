/**
 * A least-recently-used map bounded by entry count and by total size (as the
 * caller measures it, e.g. bytes). Map keeps insertion order: the first key is the
 * least recently used one.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private totalSize = 0;

  constructor(private readonly limits: { maxEntries: number; maxSize: number }) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores unless the value alone exceeds the size bound; evicts the oldest as needed. */
  set(key: string, value: V, size = 1): boolean {
    this.delete(key);
    if (size > this.limits.maxSize || this.limits.maxEntries < 1) return false;
    this.entries.set(key, { value, size });
    this.totalSize += size;
    while (this.entries.size > this.limits.maxEntries || this.totalSize > this.limits.maxSize) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
    return true;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalSize -= entry.size;
  }

  clear(): void {
    this.entries.clear();
    this.totalSize = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalSize;
  }
}
