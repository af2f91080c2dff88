import { describe, expect, it } from 'vitest';
import { maskList, maskSecrets, parseOutputs } from './logs.js';

describe('secret masking', () => {
  it('masks every occurrence, longest secret first', () => {
    const list = maskList(['abc', 'abcdef']);
    expect(list).toEqual(['abcdef', 'abc']);
    expect(maskSecrets('x abcdef y abc z', list)).toBe('x *** y *** z');
  });

  it('masks each line of a multi-line secret and ignores blank ones', () => {
    const list = maskList(['line-one\nline-two\n\n', '   ']);
    expect(maskSecrets('line-two', list)).toBe('***');
    expect(maskSecrets('a line-one b', list)).toBe('a *** b');
    expect(maskSecrets('   ', list)).toBe('   ');
  });
});

describe('parseOutputs', () => {
  it('splits key:value lines at the first colon and skips the rest', () => {
    expect(parseOutputs('image: app:1\n\nbad\n:novalue\nurl:http://x:1\n')).toEqual([
      { key: 'image', value: 'app:1' },
      { key: 'url', value: 'http://x:1' },
    ]);
  });
});
