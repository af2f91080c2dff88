import { PassThrough } from 'node:stream';
import { CONTINUED_MARK, LineCutter } from '@cyclone/domain/core';
import { describe, expect, it } from 'vitest';
import { mostOf, NO_PIECES, type OutputStream, piecesAfter, readLogLines } from './log-lines.js';

function frame(stream: 1 | 2, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

async function linesOf(chunks: Buffer[], maxLineBytes = 1024): Promise<[OutputStream, string][]> {
  const source = new PassThrough();
  const lines: [OutputStream, string][] = [];
  const done = readLogLines(
    source,
    (stream, piece) => lines.push([stream, (piece.isContinuation ? CONTINUED_MARK : '') + piece.text]),
    { cutter: () => new LineCutter(maxLineBytes) },
  );
  for (const chunk of chunks) source.write(chunk);
  source.end();
  await done;
  return lines;
}

describe('readLogLines', () => {
  it('keeps the engine order across streams and joins lines split over frames', async () => {
    const lines = await linesOf([frame(1, 'one\ntw'), frame(2, 'err\n'), frame(1, 'o\nlast')]);
    expect(lines).toEqual([
      ['STDOUT', 'one'],
      ['STDERR', 'err'],
      ['STDOUT', 'two'],
      ['STDOUT', 'last'],
    ]);
  });

  it('reassembles frames cut anywhere, headers and multi-byte characters included', async () => {
    const whole = Buffer.concat([frame(1, 'grüße\n'), frame(2, Buffer.from('ñ\n'))]);
    const cut = [whole.subarray(0, 3), whole.subarray(3, 12), whole.subarray(12, 17), whole.subarray(17)];
    expect(await linesOf(cut)).toEqual([
      ['STDOUT', 'grüße'],
      ['STDERR', 'ñ'],
    ]);
  });

  it('gives a long line in pieces per stream as its frames arrive, whatever their size', async () => {
    const long = 'a'.repeat(100);
    const whole = Buffer.concat([frame(1, long.slice(0, 70)), frame(2, 'e\n'), frame(1, `${long.slice(70)}\n`)]);
    const cut = [whole.subarray(0, 5), whole.subarray(5, 40), whole.subarray(40)];
    const lines = await linesOf(cut, 50);
    expect(lines[0]).toEqual(['STDOUT', 'a'.repeat(50)]);
    expect(lines.find(([stream]) => stream === 'STDERR')).toEqual(['STDERR', 'e']);
    const rest = lines.filter(([stream], i) => stream === 'STDOUT' && i > 0).map(([, text]) => text);
    expect(rest.every((text) => text.startsWith(CONTINUED_MARK))).toBe(true);
    expect(rest.map((text) => text.slice(CONTINUED_MARK.length)).join('')).toBe('a'.repeat(50));
  });
});

describe('piecesAfter', () => {
  it('stores each stream past what an earlier read stored, however the two reads interleave the streams', () => {
    // A first read stopped early, having stored two lines of stdout and one of stderr;
    // the whole log, read again, comes in another interleaving.
    const stored = { STDOUT: 2, STDERR: 1 };
    const piece = (text: string) => ({ text, isContinuation: false });
    const added: [OutputStream, string][] = [];
    const rest = piecesAfter(stored, (stream, p) => added.push([stream, p.text]));
    for (const [stream, text] of [
      ['STDERR', 'e1'],
      ['STDOUT', 'o1'],
      ['STDERR', 'e2'],
      ['STDOUT', 'o2'],
      ['STDOUT', 'o3'],
    ] as const)
      rest.onPiece(stream, piece(text));
    expect(added).toEqual([
      ['STDERR', 'e2'],
      ['STDOUT', 'o3'],
    ]);
    expect(rest.seen).toEqual({ STDOUT: 3, STDERR: 2 });
  });

  it('counts from nothing and keeps the larger count of each stream', () => {
    const all = piecesAfter(NO_PIECES, () => undefined);
    all.onPiece('STDOUT', { text: 'x', isContinuation: false });
    expect(all.seen).toEqual({ STDOUT: 1, STDERR: 0 });
    expect(NO_PIECES).toEqual({ STDOUT: 0, STDERR: 0 });
    expect(mostOf({ STDOUT: 5, STDERR: 0 }, { STDOUT: 2, STDERR: 3 })).toEqual({ STDOUT: 5, STDERR: 3 });
  });

  it('digests the same pieces alike, and tells a garbled read from the whole log', () => {
    const read = (texts: [OutputStream, string][], digestUpTo?: { STDOUT: number; STDERR: number }) => {
      const counted = piecesAfter(NO_PIECES, () => undefined, digestUpTo);
      for (const [stream, text] of texts) counted.onPiece(stream, { text, isContinuation: false });
      return counted;
    };
    const whole: [OutputStream, string][] = [
      ['STDOUT', 'lorem ipsum'],
      ['STDERR', 'e1'],
      ['STDOUT', 'dolor sit'],
      ['STDOUT', 'amet'],
    ];
    // A follow read that ended early, in another interleaving: it agrees with the whole log's first pieces.
    const early = read([
      ['STDERR', 'e1'],
      ['STDOUT', 'lorem ipsum'],
    ]);
    expect(read(whole, early.seen).digest()).toBe(early.digest());
    // One that garbled a line it read while the engine wrote it: it does not.
    const garbled = read([
      ['STDOUT', 'lorem ipdolor sit'],
      ['STDERR', 'e1'],
    ]);
    expect(read(whole, garbled.seen).digest()).not.toBe(garbled.digest());
  });
});
