import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSidecar } from './sidecar.js';

/** The API's routes as the helper sees them: the resource route keeps the archive and answers `status`. */
async function fakeApi(resourceStatus = 200) {
  const archives = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const name = req.url?.match(/^\/internal\/stages\/resources\/outputs\/(.+)$/)?.[1];
      if (!name) return res.writeHead(204).end();
      archives.set(decodeURIComponent(name), Buffer.concat(chunks));
      const body =
        resourceStatus === 200 ? { status: '200 OK', fileName: 'out.tar' } : { error: 'example.test answered 500' };
      res.writeHead(resourceStatus, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, archives, close: () => server.close() };
}

function podFolders(exitCode: number) {
  const root = mkdtempSync(join(tmpdir(), 'helper-push-'));
  const dir = join(root, 'cyclone');
  const notifyDir = join(root, 'notify');
  const dist = join(root, 'workspace', 'dist');
  for (const folder of [dir, notifyDir, dist]) mkdirSync(folder, { recursive: true });
  writeFileSync(join(dist, 'app.txt'), 'built\n');
  writeFileSync(join(dir, 'exit'), `${exitCode}\n`);
  return { dir, notifyDir, dist };
}

describe('output resources in the stage helper', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  const run = (api: { url: string }, folders: ReturnType<typeof podFolders>) =>
    runSidecar(
      {
        apiUrl: api.url,
        token: 'cst1.t',
        firstSeq: 1,
        secrets: [],
        dir: folders.dir,
        resultsFile: join(folders.dir, 'results'),
        httpPushes: [{ name: 'upload', path: folders.dist }],
        notifyDir: folders.notifyDir,
      },
      { isStopping: false },
    );

  it('after a zero exit streams the Http output as a tar to the API, then tells the push resolvers', async () => {
    const api = await fakeApi();
    close = api.close;
    const folders = podFolders(0);
    await run(api, folders);
    const archive = api.archives.get('upload') as Buffer;
    const listing = execFileSync('tar', ['-tf', '-'], { input: archive, encoding: 'utf8' });
    expect(listing.split('\n')).toContain('./app.txt');
    expect(existsSync(join(folders.notifyDir, 'ok'))).toBe(true);
    expect(existsSync(join(folders.dir, 'pushes-cancelled'))).toBe(false);
  });

  it('cancels the pushes after a failed exit or a send the API refused', async () => {
    const api = await fakeApi(502);
    close = api.close;
    const failed = podFolders(3);
    await run(api, failed);
    expect(api.archives.size).toBe(0);
    expect(existsSync(join(failed.notifyDir, 'ok'))).toBe(false);
    expect(readFileSync(join(failed.dir, 'pushes-cancelled'), 'utf8')).toBe('');

    const refused = podFolders(0);
    await run(api, refused);
    expect(api.archives.has('upload')).toBe(true);
    expect(existsSync(join(refused.notifyDir, 'ok'))).toBe(false);
    expect(existsSync(join(refused.dir, 'pushes-cancelled'))).toBe(true);
  });
});
