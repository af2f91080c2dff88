import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSidecar } from './sidecar.js';

interface Received {
  path: string;
  auth: string | undefined;
  body: { lines?: { seq: number; stream: string; text: string }[]; outputs?: unknown[] };
}

/** A stand-in for the API's ingestion route; `failFirst` answers the first log batch with 503. */
function fakeApi(options: { failFirst?: boolean; status?: number } = {}) {
  const received: Received[] = [];
  let isFirst = true;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(text) });
      if (options.failFirst && isFirst && req.url?.endsWith('/logs')) {
        isFirst = false;
        res.statusCode = 503;
        res.end('busy');
        return;
      }
      res.statusCode = options.status ?? 204;
      res.end();
    });
  });
  return new Promise<{ url: string; received: Received[]; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        received,
        close: () => server.close(),
      }),
    ),
  );
}

describe('the stage helper sidecar', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('ships lines as they are written, retries a failed batch with the same seqs, then sends outputs', async () => {
    const api = await fakeApi({ failFirst: true });
    close = api.close;
    const dir = mkdtempSync(join(tmpdir(), 'helper-'));
    const stop = { isStopping: false };
    const done = runSidecar(
      { apiUrl: api.url, token: 'cst1.t', firstSeq: 7, secrets: ['hunter2'], dir, resultsFile: join(dir, 'results') },
      stop,
    );
    appendFileSync(join(dir, 'stdout'), 'step 1\npassword=hunter2\npart');
    appendFileSync(join(dir, 'stderr'), 'warn\n');
    await new Promise((resolve) => setTimeout(resolve, 500));
    appendFileSync(join(dir, 'stdout'), 'ial\n');
    writeFileSync(join(dir, 'results'), 'image:app:1\n');
    writeFileSync(join(dir, 'exit'), '0\n');
    await done;

    const logs = api.received.filter((r) => r.path === '/internal/stages/logs');
    expect(logs[0]?.auth).toBe('Bearer cst1.t');
    // The refused first batch came again, unchanged.
    expect(logs[1]?.body).toEqual(logs[0]?.body);
    const stored = new Map<number, string>();
    for (const batch of logs.slice(1))
      for (const l of batch.body.lines ?? []) stored.set(l.seq, `${l.stream} ${l.text}`);
    expect([...stored].sort((a, b) => a[0] - b[0])).toEqual([
      [7, 'STDOUT step 1'],
      [8, 'STDOUT password=***'],
      [9, 'STDERR warn'],
      [10, 'STDOUT partial'],
    ]);
    expect(api.received.at(-1)).toMatchObject({
      path: '/internal/stages/outputs',
      body: { outputs: [{ key: 'image', value: 'app:1' }] },
    });
  });

  it('sends no outputs after a failed workload, and stops when the kubelet stops it', async () => {
    const api = await fakeApi();
    close = api.close;
    const dir = mkdtempSync(join(tmpdir(), 'helper-'));
    writeFileSync(join(dir, 'stdout'), 'boom\n');
    writeFileSync(join(dir, 'results'), 'image:app:1\n');
    writeFileSync(join(dir, 'exit'), '2\n');
    await runSidecar(
      { apiUrl: api.url, token: 't', firstSeq: 1, secrets: [], dir, resultsFile: join(dir, 'results') },
      { isStopping: false },
    );
    expect(api.received.map((r) => r.path)).toEqual(['/internal/stages/logs']);

    const other = mkdtempSync(join(tmpdir(), 'helper-'));
    writeFileSync(join(other, 'stdout'), 'last words');
    const before = api.received.length;
    await runSidecar(
      { apiUrl: api.url, token: 't', firstSeq: 1, secrets: [], dir: other, resultsFile: join(other, 'results') },
      { isStopping: true },
    );
    expect(api.received.slice(before).map((r) => r.body.lines?.map((l) => l.text))).toEqual([['last words']]);
  });

  it('stops sending once the API says the attempt is over', async () => {
    const api = await fakeApi({ status: 409 });
    close = api.close;
    const dir = mkdtempSync(join(tmpdir(), 'helper-'));
    writeFileSync(join(dir, 'stdout'), 'a\nb\n');
    writeFileSync(join(dir, 'exit'), '0\n');
    writeFileSync(join(dir, 'results'), 'k:v\n');
    await runSidecar(
      { apiUrl: api.url, token: 't', firstSeq: 1, secrets: [], dir, resultsFile: join(dir, 'results') },
      { isStopping: false },
    );
    expect(api.received.map((r) => r.path)).toEqual(['/internal/stages/logs']);
  });
});
