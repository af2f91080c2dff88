import { PassThrough } from 'node:stream';
import { CONTINUED_MARK, LineCutter } from '@cyclone/domain/core';
import { describe, expect, it } from 'vitest';
import { type OutputStream, readLogLines } from './log-lines.js';

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
