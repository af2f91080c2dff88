import { maskList } from '@cyclone/domain/core';
import { describe, expect, it } from 'vitest';
import { LineQueue, LineSplitter } from './lines.js';

describe('stage helper lines', () => {
  it('splits chunks into lines and keeps the unfinished tail', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('one\r\ntw')).toEqual(['one']);
    expect(splitter.push('o\nthree')).toEqual(['two']);
    expect(splitter.end()).toEqual(['three']);
    expect(splitter.end()).toEqual([]);
  });

  it('numbers from the first seq, masks secrets, and keeps a batch until acknowledged', () => {
    const queue = new LineQueue(41, maskList(['s3cret', 'a\nmulti']));
    queue.add('STDOUT', 'token=s3cret');
    queue.add('STDERR', 'multi line');
    const batch = queue.peek(10);
    expect(batch.map((l) => [l.seq, l.stream, l.text])).toEqual([
      [41, 'STDOUT', 'token=***'],
      [42, 'STDERR', '*** line'],
    ]);
    // A failed send is retried with the same seqs.
    expect(queue.peek(10)).toEqual(batch);
    queue.ack(1);
    queue.add('STDOUT', 'next');
    expect(queue.peek(10).map((l) => l.seq)).toEqual([42, 43]);
  });
});
