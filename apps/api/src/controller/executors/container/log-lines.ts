import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export type OutputStream = 'STDOUT' | 'STDERR';

/** Header of a frame in the Docker Engine's multiplexed stream: stream type, 3 zero bytes, payload size. */
const HEADER_BYTES = 8;

/**
 * Reads a container's multiplexed log stream (non-TTY) and calls `onLine` for each
 * complete line, in the engine's order across stdout and stderr: the order the
 * lines were stored in, so counting them again after a restart lands on the same
 * line. A last line without a newline is given when the stream ends, unless more
 * is to be read (`isLastRead: false`: a follow stream may end before the engine
 * stored the container's last output; the complete log is read once more then).
 */
export function readLogLines(
  source: Readable,
  onLine: (stream: OutputStream, line: string) => void,
  options: { isLastRead: boolean } = { isLastRead: true },
): Promise<void> {
  const partial: Record<OutputStream, string> = { STDOUT: '', STDERR: '' };
  const decoders: Record<OutputStream, StringDecoder> = {
    STDOUT: new StringDecoder('utf8'),
    STDERR: new StringDecoder('utf8'),
  };
  let pending: Buffer = Buffer.alloc(0);
  const take = (stream: OutputStream, text: string) => {
    const parts = (partial[stream] + text).split('\n');
    partial[stream] = parts.pop() ?? '';
    for (const line of parts) onLine(stream, line);
  };
  return new Promise((resolve, reject) => {
    source.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= HEADER_BYTES) {
        const size = pending.readUInt32BE(4);
        if (pending.length < HEADER_BYTES + size) break;
        const stream: OutputStream = pending[0] === 2 ? 'STDERR' : 'STDOUT';
        take(stream, decoders[stream].write(pending.subarray(HEADER_BYTES, HEADER_BYTES + size)));
        pending = pending.subarray(HEADER_BYTES + size);
      }
    });
    let isDone = false;
    const finish = (error?: Error) => {
      if (isDone) return;
      isDone = true;
      for (const stream of options.isLastRead ? (['STDOUT', 'STDERR'] as const) : []) {
        const rest = partial[stream] + decoders[stream].end();
        partial[stream] = '';
        if (rest !== '') onLine(stream, rest);
      }
      if (error) reject(error);
      else resolve();
    };
    source.once('end', () => finish());
    source.once('close', () => finish());
    source.once('error', (error) => finish(error));
  });
}
