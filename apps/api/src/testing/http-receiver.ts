// An HTTP server on 127.0.0.1 that records what Http resources send (a multipart form
// holding a tar archive), for the executors' tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface HttpReceiver {
  port: number;
  url: string;
  requests: ReceivedRequest[];
  /** The status the next requests get (200 unless told). */
  answer: number;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const receiver = { requests, answer: 200 } as HttpReceiver;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      response.statusCode = receiver.answer;
      response.end(receiver.answer < 300 ? 'stored' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

/** The parts of a multipart/form-data body: each part's headers (lower-case names) and content. */
export function multipartParts(request: ReceivedRequest): { headers: Record<string, string>; content: Buffer }[] {
  const type = String(request.headers['content-type'] ?? '');
  const boundary = /boundary=([^;]+)/.exec(type)?.[1];
  if (!boundary) throw new Error(`not a multipart form: ${type}`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { headers: Record<string, string>; content: Buffer }[] = [];
  let at = request.body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    // `--` after the delimiter closes the form.
    if (request.body.subarray(start, start + 2).toString() === '--') break;
    const next = request.body.indexOf(delimiter, start);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    const part = request.body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const headers: Record<string, string> = {};
    for (const line of part.subarray(0, split).toString().split('\r\n')) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, content: part.subarray(split + 4) });
    at = next;
  }
  return parts;
}

/** The entries of a tar archive, as the system's `tar -t` lists them. */
export function tarEntries(archive: Buffer): string[] {
  const folder = mkdtempSync(join(tmpdir(), 'cyclone-tar-'));
  try {
    const file = join(folder, 'archive.tar');
    writeFileSync(file, archive);
    return execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
