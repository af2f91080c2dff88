import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { LineCutter, LinePiece } from '@cyclone/domain/core';

export type OutputStream = 'STDOUT' | 'STDERR';

/** Header of a frame in the Docker Engine's multiplexed stream: stream type, 3 zero bytes, payload size. */
const HEADER_BYTES = 8;

/**
 * Reads a container's multiplexed log stream (non-TTY) and calls `onPiece` for each
 * piece of a line (one LineCutter per stream: a long line comes in pieces within the
 * line limit), in the engine's order across stdout and stderr: the order the lines
 * were stored in, so counting them again after a restart lands on the same line.
 * A frame's payload goes to its cutter as it arrives, so what is held stays within
 * about a line limit per stream however large a frame is. A last line without a
 * newline is given when the stream ends, unless more is to be read (`isLastRead:
 * false`: a follow stream may end before the engine stored the container's last
 * output; the complete log is read once more then).
 */
export function readLogLines(
  source: Readable,
  onPiece: (stream: OutputStream, piece: LinePiece) => void,
  options: { cutter: () => LineCutter; isLastRead?: boolean },
): Promise<void> {
  const cutters: Record<OutputStream, LineCutter> = { STDOUT: options.cutter(), STDERR: options.cutter() };
  let header = Buffer.alloc(0);
  /** The stream and unread payload bytes of the frame being read; none between frames. */
  let frame: { stream: OutputStream; left: number } | undefined;
  const give = (stream: OutputStream, pieces: LinePiece[]) => {
    for (const piece of pieces) onPiece(stream, piece);
  };
  return new Promise((resolve, reject) => {
    source.on('data', (chunk: Buffer) => {
      let at = 0;
      while (at < chunk.length) {
        if (!frame) {
          const needed = HEADER_BYTES - header.length;
          header = Buffer.concat([header, chunk.subarray(at, at + needed)]);
          at += Math.min(needed, chunk.length - at);
          if (header.length < HEADER_BYTES) return;
          frame = { stream: header[0] === 2 ? 'STDERR' : 'STDOUT', left: header.readUInt32BE(4) };
          header = Buffer.alloc(0);
        }
        const payload = chunk.subarray(at, at + frame.left);
        at += payload.length;
        frame.left -= payload.length;
        const { stream } = frame;
        if (frame.left === 0) frame = undefined;
        give(stream, cutters[stream].push(payload));
      }
    });
    let isDone = false;
    const finish = (error?: Error) => {
      if (isDone) return;
      isDone = true;
      if (options.isLastRead !== false)
        for (const stream of ['STDOUT', 'STDERR'] as const) give(stream, cutters[stream].end());
      if (error) reject(error);
      else resolve();
    };
    source.once('end', () => finish());
    source.once('close', () => finish());
    source.once('error', (error) => finish(error));
  });
}

/**
 * Pieces read per stream. Each stream's pieces come in one order however a log is read;
 * how stdout and stderr interleave is the engine's to decide, so what is stored is
 * counted per stream, not over both.
 */
export type PieceCounts = Record<OutputStream, number>;

export const NO_PIECES: Readonly<PieceCounts> = { STDOUT: 0, STDERR: 0 };

/** Per stream, the larger of two counts. */
export const mostOf = (a: PieceCounts, b: PieceCounts): PieceCounts => ({
  STDOUT: Math.max(a.STDOUT, b.STDOUT),
  STDERR: Math.max(a.STDERR, b.STDERR),
});

/** One read of a log, counted per stream: see `piecesAfter`. */
export interface CountedRead {
  onPiece: (stream: OutputStream, piece: LinePiece) => void;
  /** Pieces read so far, per stream. */
  seen: PieceCounts;
  /** A digest of the pieces read of each stream (the first `digestUpTo` of them): two reads that agree have the same. */
  digest: () => string;
}

/**
 * An `onPiece` for one read of a log that passes on only each stream's pieces past
 * `already` (stored by an earlier read) and counts what it read in `seen`; its digest
 * covers the first `digestUpTo` pieces of each stream (all without it).
 */
export function piecesAfter(
  already: PieceCounts,
  onPiece: (stream: OutputStream, piece: LinePiece) => void,
  digestUpTo?: PieceCounts,
): CountedRead {
  const seen = { ...NO_PIECES };
  const hashes = { STDOUT: createHash('sha256'), STDERR: createHash('sha256') };
  return {
    seen,
    digest: () => `${hashes.STDOUT.copy().digest('hex')}:${hashes.STDERR.copy().digest('hex')}`,
    onPiece: (stream, piece) => {
      seen[stream] += 1;
      if (!digestUpTo || seen[stream] <= digestUpTo[stream]) {
        hashes[stream].update(`${piece.isContinuation ? '+' : '-'}${piece.text}\n`);
      }
      if (seen[stream] > already[stream]) onPiece(stream, piece);
    },
  };
}
