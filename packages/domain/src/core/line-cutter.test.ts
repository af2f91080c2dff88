import { describe, expect, it } from 'vitest';
import { cutToBytes, LineCutter, type LinePiece, LogBudget, pieceText, utf8Length } from './line-cutter.js';
import { CONTINUED_MARK, maskList, parseResultsHead, TRUNCATED_PREFIX } from './logs.js';

const encode = (text: string) => new TextEncoder().encode(text);
const size = (text: string) => encode(text).length;

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % below;
  };
}

function cutAll(cutter: LineCutter, bytes: Uint8Array, chunkSizes: (at: number) => number): LinePiece[] {
  const pieces: LinePiece[] = [];
  for (let at = 0; at < bytes.length; ) {
    const next = Math.min(bytes.length, at + Math.max(1, chunkSizes(at)));
    pieces.push(...cutter.push(bytes.subarray(at, next)));
    at = next;
  }
  return [...pieces, ...cutter.end()];
}

/** Text with short and very long lines, multi-byte characters, `\r`s and the secret. */
function noisyText(next: (below: number) => number, secret: string): string {
  const words = ['a', 'grüße', '日本語', '🙂', 'x'.repeat(30), secret, '\r', ' ', 'ñ'];
  let text = '';
  for (let line = 0; line < 40; line++) {
    const length = next(4) === 0 ? 200 + next(400) : next(20);
    for (let i = 0; i < length; i++) text += words[next(words.length)];
    text += next(5) === 0 ? '\r\n' : '\n';
  }
  return `${text}tail without newline ${secret}`;
}

// The seeded properties cut thousands of pieces: a second on a quiet core, more than
// vitest's default 5 s on a machine shared with other work.
describe('LineCutter', { timeout: 30_000 }, () => {
  it('gives the same pieces however the bytes are chunked', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const next = random(seed);
      const bytes = encode(noisyText(next, 'hunter2-secret'));
      const whole = cutAll(new LineCutter(64, ['hunter2-secret']), bytes, () => bytes.length);
      const bytewise = cutAll(new LineCutter(64, ['hunter2-secret']), bytes, () => 1);
      const ragged = cutAll(new LineCutter(64, ['hunter2-secret']), bytes, () => 1 + next(150));
      expect(bytewise).toEqual(whole);
      expect(ragged).toEqual(whole);
    }
  });

  it('keeps every piece within the limit (mark included), never cuts a character, and loses nothing', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const next = random(seed);
      const text = noisyText(next, 'hunter2-secret');
      const pieces = cutAll(new LineCutter(64), encode(text), () => 1 + next(100));
      for (const piece of pieces) {
        expect(size(pieceText(piece, []))).toBeLessThanOrEqual(64);
        // A cut inside a character would decode to U+FFFD.
        expect(piece.text).not.toContain('\uFFFD');
      }
      // Joining the pieces of each line gives the text back, without the `\r` before each newline.
      let joined = '';
      for (const piece of pieces) joined += (piece.isContinuation ? '' : '\n') + piece.text;
      expect(joined.slice(1)).toBe(text.replaceAll('\r\n', '\n'));
    }
  });

  it('never cuts inside a secret: each piece masked alone shows no part of it', () => {
    const secret = 'TOPSECRETVALUE';
    for (let offset = 0; offset < 30; offset++) {
      // The secret lands on every position around the 40-byte limit.
      const line = `${'-'.repeat(offset + 20)}${secret}${'-'.repeat(60)}`;
      const pieces = cutAll(new LineCutter(40, [secret]), encode(`${line}\n`), () => 7);
      const stored = pieces.map((piece) => pieceText(piece, maskList([secret])));
      expect(stored.join('')).not.toMatch(/TOPSEC|SECRETV|CRETVALUE/);
      expect(stored.filter((text) => text.includes('***'))).toHaveLength(1);
      for (const text of stored) expect(size(text)).toBeLessThanOrEqual(40);
    }
  });

  it('drops the `\\r` of a CRLF line end and keeps other `\\r`s', () => {
    const pieces = cutAll(new LineCutter(64), encode('one\r\n\r\nprogress 10%\rprogress 20%\r\nlast\r'), () => 3);
    expect(pieces.map((piece) => piece.text)).toEqual(['one', '', 'progress 10%\rprogress 20%', 'last']);
  });

  it('gives no empty marked piece when a line fills its last piece exactly', () => {
    const pieces = cutAll(new LineCutter(30), encode(`${'y'.repeat(30)}\r\nnext\n`), () => 1);
    expect(pieces).toEqual([
      { text: 'y'.repeat(30), isContinuation: false },
      { text: 'next', isContinuation: false },
    ]);
  });

  it('holds at most about one limit of output that never ends a line', () => {
    const cutter = new LineCutter(1024, ['a-secret-value']);
    const chunk = encode('y'.repeat(65_536));
    let given = 0;
    for (let i = 0; i < 64; i++) {
      for (const piece of cutter.push(chunk)) given += size(piece.text);
      // What is held back: at most one limit plus the secret margin.
      expect((i + 1) * chunk.length - given).toBeLessThanOrEqual(1024 + 'a-secret-value'.length);
    }
  });

  it('marks every piece of a line after its first', () => {
    const pieces = cutAll(new LineCutter(40), encode(`${'z'.repeat(100)}\nshort\n`), () => 100);
    expect(pieces.map((piece) => piece.isContinuation)).toEqual([false, true, true, true, true, false]);
    expect(pieceText(pieces[1] as LinePiece, [])).toBe(`${CONTINUED_MARK}${'z'.repeat(40 - size(CONTINUED_MARK))}`);
  });
});

describe('LogBudget', () => {
  it('takes lines while they fit, then gives the truncation notice once and drops the rest; own lines count and stay', () => {
    const budget = new LogBudget(12);
    expect(budget.admit('12345')).toBe('12345');
    expect(budget.admit('1234567')).toBe('1234567');
    expect(budget.admit('x')?.startsWith(TRUNCATED_PREFIX)).toBe(true);
    expect(budget.admit('y')).toBeUndefined();
    budget.own('[cyclone] mine');
    expect(budget.storedBytes).toBe(12 + 14);
    expect(budget.isTruncated).toBe(true);
  });

  it('goes on from what a previous writer stored', () => {
    expect(new LogBudget(10, { bytes: 8, isTruncated: false }).admit('abc')?.startsWith(TRUNCATED_PREFIX)).toBe(true);
    expect(new LogBudget(10, { bytes: 0, isTruncated: true }).admit('a')).toBeUndefined();
  });
});

describe('sizes', () => {
  it('utf8Length counts what the encoder writes, lone surrogates included', () => {
    for (const text of ['', 'ascii', 'grüße', '日本語', '🙂🙂', 'a\uD800b', '\uDC00', 'x\uD83D']) {
      expect(utf8Length(text)).toBe(size(text));
    }
  });

  it('cutToBytes cuts at a character boundary within the limit', () => {
    expect(cutToBytes('grüße', 3)).toBe('gr');
    expect(cutToBytes('grüße', 4)).toBe('grü');
    expect(cutToBytes('short', 100)).toBe('short');
    expect(cutToBytes('🙂🙂', 7)).toBe('🙂');
  });

  it('parseResultsHead masks secret values in outputs', () => {
    const head = new TextEncoder().encode('token:s3cr3t-value\nurl:https://u:s3cr3t-value@h\nplain:ok\n');
    expect(parseResultsHead(head, 1_000, ['s3cr3t-value']).outputs).toEqual([
      { key: 'token', value: '***' },
      { key: 'url', value: 'https://u:***@h' },
      { key: 'plain', value: 'ok' },
    ]);
  });

  it('parseResultsHead reads only complete lines of a file longer than its limit', () => {
    const head = encode('a: 1\nb: 2\nc: 33333');
    expect(parseResultsHead(head, 100)).toEqual({
      outputs: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'c', value: '33333' },
      ],
      isCut: false,
    });
    expect(parseResultsHead(head, 12)).toEqual({
      outputs: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
      isCut: true,
    });
  });
});
