import { CONTINUED_MARK, TRUNCATED_PREFIX } from '@cyclone/domain/core';
import { describe, expect, it } from 'vitest';
import { LineQueue } from './lines.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('stage helper lines', () => {
  it('numbers from the first seq, masks secrets, and keeps a batch until acknowledged', () => {
    const queue = new LineQueue(41, ['s3cret', 'a\nmulti']);
    const out = queue.cutter();
    const err = queue.cutter();
    for (const piece of out.push(bytes('token=s3cret\r\n'))) queue.add('STDOUT', piece);
    for (const piece of err.push(bytes('multi line\n'))) queue.add('STDERR', piece);
    const batch = queue.peek(10);
    expect(batch.map((l) => [l.seq, l.stream, l.text])).toEqual([
      [41, 'STDOUT', 'token=***'],
      [42, 'STDERR', '*** line'],
    ]);
    // A failed send is retried with the same seqs.
    expect(queue.peek(10)).toEqual(batch);
    queue.ack(1);
    for (const piece of out.push(bytes('next'))) queue.add('STDOUT', piece);
    for (const piece of out.end()) queue.add('STDOUT', piece);
    expect(queue.peek(10).map((l) => l.seq)).toEqual([42, 43]);
  });

  it('cuts a long line into marked pieces within the limit, as the API does', () => {
    const queue = new LineQueue(1, [], { maxLineBytes: 40, maxLogBytes: 10_000 });
    const cutter = queue.cutter();
    for (const piece of [...cutter.push(bytes('x'.repeat(100))), ...cutter.end()]) queue.add('STDOUT', piece);
    const texts = queue.peek(10).map((l) => l.text);
    expect(texts[0]).toBe('x'.repeat(40));
    expect(texts.slice(1).every((t) => t.startsWith(CONTINUED_MARK) && new TextEncoder().encode(t).length <= 40)).toBe(
      true,
    );
    expect(texts.map((t) => t.replace(CONTINUED_MARK, '')).join('')).toBe('x'.repeat(100));
  });

  it('stops at the log limit with one line saying so, and keeps its own lines after it', () => {
    const queue = new LineQueue(1, [], { maxLineBytes: 1024, maxLogBytes: 25 });
    const cutter = queue.cutter();
    for (const piece of cutter.push(bytes('0123456789\n0123456789\n0123456789\n0123456789\n')))
      queue.add('STDOUT', piece);
    queue.own('STDOUT', '[cyclone] stored artifact "a"');
    const texts = queue.peek(10).map((l) => l.text);
    expect(texts).toHaveLength(4);
    expect(texts.slice(0, 2)).toEqual(['0123456789', '0123456789']);
    expect(texts[2]?.startsWith(TRUNCATED_PREFIX)).toBe(true);
    expect(texts[3]).toBe('[cyclone] stored artifact "a"');
    expect(queue.isTruncated).toBe(true);
  });

  it('hands out batches within a size, at least one line', () => {
    const queue = new LineQueue(1, [], { maxLineBytes: 1024, maxLogBytes: 1_000_000 });
    const cutter = queue.cutter();
    for (const piece of cutter.push(bytes(`${'a'.repeat(600)}\n${'b'.repeat(600)}\nc\n`))) queue.add('STDOUT', piece);
    expect(queue.peek(10, 1000).map((l) => l.seq)).toEqual([1]);
    expect(queue.peek(10, 100).map((l) => l.seq)).toEqual([1]);
    queue.ack(1);
    expect(queue.peek(10, 1000).map((l) => l.seq)).toEqual([2, 3]);
  });
});
