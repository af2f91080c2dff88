import { describe, expect, it } from 'vitest';
import { findTooDeep, findUnstorableText, isUnstorableText } from './storable-text.js';

describe('text Postgres can store', () => {
  it('refuses NUL and lone surrogates, takes everything else', () => {
    expect(isUnstorableText('a\u0000b')).toBe(true);
    expect(isUnstorableText('\ud800')).toBe(true);
    expect(isUnstorableText('😀 ü \t')).toBe(false);
  });

  it('names the first bad string or key by its path', () => {
    expect(findUnstorableText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] }, 'input')).toBe('input.a[1].c');
    expect(findUnstorableText({ 'k\u0000': 1 })).toBe('k\u0000');
    expect(findUnstorableText({ a: ['fine', 2, null, true] })).toBeUndefined();
  });

  it('names the first value nested deeper than the limit', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 5; i += 1) deep = { a: deep };
    expect(findTooDeep({ x: deep }, 4, 'input')).toBe('input.x.a.a.a');
    expect(findTooDeep({ x: deep }, 6, 'input')).toBeUndefined();
    expect(findTooDeep([[['x']]], 3)).toBeUndefined();
  });
});
