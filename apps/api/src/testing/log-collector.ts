import type { Readable } from 'node:stream';
import type { LogWriter } from '../controller/executors/log-writer.js';

/** A LogWriter stand-in that collects the lines it is given (no database needed), for tests of input placement. */
export function logCollector() {
  const lines: string[] = [];
  const writer = {
    line: (_stream: string, text: string) => void lines.push(text),
    follow: (source: Readable) => {
      source.setEncoding('utf8');
      source.on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
    },
  };
  return { lines, writer: writer as unknown as LogWriter };
}
