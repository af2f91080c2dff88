import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond the entry bound', () => {
    const cache = new LruCache<string>({ maxEntries: 2, maxSize: 100 });
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A'); // a is now the most recent
    cache.set('c', 'C');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
  });

  it('evicts by total size and refuses a value larger than the bound', () => {
    const cache = new LruCache<string>({ maxEntries: 10, maxSize: 10 });
    cache.set('a', 'A', 4);
    cache.set('b', 'B', 4);
    cache.set('c', 'C', 4);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.bytes).toBe(8);
    expect(cache.set('huge', 'H', 11)).toBe(false);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('replacing a key keeps the size accounting right', () => {
    const cache = new LruCache<string>({ maxEntries: 10, maxSize: 10 });
    cache.set('a', 'A', 6);
    cache.set('a', 'A2', 3);
    expect(cache.bytes).toBe(3);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });
});
