// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Cyclone keys use ${hashFiles(…)} literally.
import { describe, expect, it } from 'vitest';
import {
  cacheKeyProblem,
  cachePathProblem,
  normalizeCachePath,
  pickCacheEntry,
  planCacheEviction,
  stageCacheProblems,
} from './caches.js';
import { globMatcher, parseHashFilesArguments, renderCacheKey } from './core/cache-keys.js';
import { workflowSpecSchema } from './specs.js';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

describe('pickCacheEntry', () => {
  const entries = [
    { key: 'go-linux-aaa', createdAt: at(1) },
    { key: 'go-linux-bbb', createdAt: at(3) },
    { key: 'go-linux-ccc', createdAt: at(2) },
    { key: 'go-darwin-ddd', createdAt: at(9) },
  ];

  it('takes the exact key first, even when a prefix match is newer', () => {
    expect(pickCacheEntry(entries, 'go-linux-aaa', ['go-'])?.key).toBe('go-linux-aaa');
  });

  it('else the newest entry of the first prefix that matches', () => {
    expect(pickCacheEntry(entries, 'go-linux-zzz', ['go-linux-', 'go-'])?.key).toBe('go-linux-bbb');
    expect(pickCacheEntry(entries, 'go-bsd-zzz', ['go-bsd-', 'go-'])?.key).toBe('go-darwin-ddd');
  });

  it('misses when nothing matches; a key is not a prefix of itself', () => {
    expect(pickCacheEntry(entries, 'go-linux', [])).toBeUndefined();
    expect(pickCacheEntry(entries, 'npm-x', ['npm-'])).toBeUndefined();
  });
});

describe('planCacheEviction', () => {
  const entry = (id: string, size: number, minute: number) => ({ id, size: BigInt(size), lastUsedAt: at(minute) });

  it('evicts nothing while the new entry fits', () => {
    expect(planCacheEviction([entry('a', 40, 1), entry('b', 40, 2)], 20n, 100n)).toEqual([]);
  });

  it('evicts the least recently used first, only as many as needed', () => {
    const entries = [entry('a', 40, 5), entry('b', 40, 1), entry('c', 40, 3)];
    expect(planCacheEviction(entries, 30n, 100n).map((e) => e.id)).toEqual(['b', 'c']);
  });

  it('evicts everything when the new entry alone is over the cap', () => {
    expect(planCacheEviction([entry('a', 1, 1)], 200n, 100n).map((e) => e.id)).toEqual(['a']);
  });
});

describe('cache paths', () => {
  it('takes paths inside the workspace only', () => {
    expect(cachePathProblem('.cache/go-mod')).toBeUndefined();
    expect(cachePathProblem('./node_modules/')).toBeUndefined();
    expect(cachePathProblem('/root/go')).toMatch(/relative to the workspace/);
    expect(cachePathProblem('~/go/pkg/mod')).toMatch(/relative to the workspace/);
    expect(cachePathProblem('a/../../etc')).toMatch(/must not contain \.\./);
    expect(cachePathProblem('./')).toMatch(/whole workspace/);
    expect(normalizeCachePath('./a//b/')).toBe('a/b');
  });

  it('names the stage and field at save', () => {
    const parsed = workflowSpecSchema.safeParse({
      stages: [{ name: 'build', image: 'golang', caches: [{ key: 'k', paths: ['ok', '/abs'] }] }],
    });
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues[0];
    expect(issue?.path).toEqual(['stages', 0, 'caches', 0, 'paths', 1]);
    expect(issue?.message).toMatch(/^stage "build": \/abs must be relative/);
  });
});

describe('hashFiles in keys', () => {
  it('parses quoted pattern lists', () => {
    expect(parseHashFilesArguments(`'go.sum', "b/**/*.sum"`)).toEqual(['go.sum', 'b/**/*.sum']);
    expect(parseHashFilesArguments('go.sum')).toBeUndefined();
    expect(parseHashFilesArguments('')).toBeUndefined();
  });

  it('renders every call with the hash of its patterns', async () => {
    const key = await renderCacheKey("go-${{ x }}-${hashFiles('go.sum')}-${ hashFiles('a', 'b/*') }", async (p) =>
      p.join('+'),
    );
    expect(key).toBe('go-${{ x }}-go.sum-a+b/*');
  });

  it('matches globs per segment, ** across segments', () => {
    const match = globMatcher(['go.sum', 'b/**/*.sum', './c/?.lock']);
    expect(['go.sum', 'b/x.sum', 'b/d/e/x.sum', 'c/a.lock'].every(match)).toBe(true);
    expect(['a/go.sum', 'bx.sum', 'b/x.sumx', 'c/ab.lock', 'c/a/b.lock'].some(match)).toBe(false);
    expect(globMatcher(['**/go.mod'])('go.mod')).toBe(true);
    expect(globMatcher(['**/go.mod'])('a/b/go.mod')).toBe(true);
    expect(globMatcher(['src/*.txt'])('src/a.b.txt')).toBe(true);
  });

  it('refuses unquoted patterns and patterns leaving the workspace', () => {
    expect(cacheKeyProblem('go-${hashFiles(go.sum)}')).toMatch(/quoted patterns/);
    expect(cacheKeyProblem("go-${hashFiles('../x')}")).toMatch(/\.\./);
    expect(stageCacheProblems([{ key: 'k', paths: ['a'], restoreKeys: ['k-'] }])).toEqual([]);
  });
});
