import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadArtifact, uploadArtifact } from './artifacts.js';
import { runInputs } from './inputs.js';
import { runSidecar } from './sidecar.js';

interface Upload {
  url: string;
  auth: string | undefined;
  body: Buffer;
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });

/**
 * A stand-in for the API's artifact and ingestion routes: keeps uploads, answers
 * them like the API (size and sha256), serves `inputs` from memory, and can refuse
 * the first upload with 503 to exercise the retry.
 */
function fakeApi(options: { inputs?: Record<string, { kind: string; body: Buffer }>; failFirstUpload?: boolean } = {}) {
  const uploads: Upload[] = [];
  const logs: string[] = [];
  let hasFailed = false;
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = req.url ?? '';
    if (url.startsWith('/internal/stages/artifacts/outputs/')) {
      if (options.failFirstUpload && !hasFailed) {
        hasFailed = true;
        res.statusCode = 503;
        res.end('busy');
        return;
      }
      uploads.push({ url, auth: req.headers.authorization, body });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ size: String(body.length), sha256: createHash('sha256').update(body).digest('hex') }));
      return;
    }
    if (url.startsWith('/internal/stages/artifacts/inputs/')) {
      const found = options.inputs?.[decodeURIComponent(url.split('/').pop() ?? '')];
      if (!found) {
        res.statusCode = 404;
        res.end('{"error":"unknown"}');
        return;
      }
      res.setHeader('x-cyclone-artifact-kind', found.kind);
      res.end(found.body);
      return;
    }
    if (url === '/internal/stages/logs') {
      for (const line of (JSON.parse(body.toString()) as { lines: { text: string }[] }).lines) logs.push(line.text);
    }
    res.statusCode = 204;
    res.end();
  });
  return new Promise<{ url: string; uploads: Upload[]; logs: string[]; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        uploads,
        logs,
        close: () => server.close(),
      }),
    ),
  );
}

const tarList = (archive: Buffer) => {
  const dir = mkdtempSync(join(tmpdir(), 'tar-'));
  writeFileSync(join(dir, 'a.tar'), archive);
  return execFileSync('tar', ['-tf', join(dir, 'a.tar')], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l !== '' && l !== './')
    .sort();
};

describe('stage helper artifacts', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('uploads a file as it is and a directory as tar after a zero exit, then ships the log lines', async () => {
    const api = await fakeApi({ failFirstUpload: true });
    close = api.close;
    const dir = mkdtempSync(join(tmpdir(), 'helper-'));
    const workspace = mkdtempSync(join(tmpdir(), 'ws-'));
    writeFileSync(join(workspace, 'app.bin'), 'binary-bytes');
    mkdirSync(join(workspace, 'docs', 'sub'), { recursive: true });
    writeFileSync(join(workspace, 'docs', 'sub', 'README'), 'readme\n');
    writeFileSync(join(dir, 'exit'), '0\n');
    await runSidecar(
      {
        apiUrl: api.url,
        token: 'cst1.t',
        firstSeq: 1,
        secrets: [],
        dir,
        resultsFile: join(dir, 'results'),
        outputArtifacts: [
          { name: 'app', path: join(workspace, 'app.bin') },
          { name: 'docs', path: join(workspace, 'docs') },
        ],
      },
      { isStopping: false },
    );
    // The refused first upload (503) was sent again.
    expect(api.uploads.map((u) => u.url)).toEqual([
      '/internal/stages/artifacts/outputs/app?kind=file',
      '/internal/stages/artifacts/outputs/docs?kind=directory',
    ]);
    expect(api.uploads[0]?.auth).toBe('Bearer cst1.t');
    expect(api.uploads[0]?.body.toString()).toBe('binary-bytes');
    expect(tarList(api.uploads[1]?.body as Buffer)).toEqual(['./sub/', './sub/README']);
    expect(api.logs[0]).toMatch(/^\[cyclone\] stored artifact "app" \(file, 12 bytes, sha256 [0-9a-f]{64}\)$/);
    expect(api.logs[1]).toMatch(/^\[cyclone\] stored artifact "docs" \(directory, as tar, \d+ bytes/);
  });

  it('logs a declared path that does not exist and uploads nothing for it; nothing after a failed workload', async () => {
    const api = await fakeApi();
    close = api.close;
    const log: string[] = [];
    const isStored = await uploadArtifact(
      { apiUrl: api.url, token: 't', log: (line) => log.push(line) },
      { name: 'app', path: '/nonexistent/app.bin' },
    );
    expect(isStored).toBe(false);
    expect(log).toEqual(['[cyclone] output artifact "app": /nonexistent/app.bin does not exist']);

    const dir = mkdtempSync(join(tmpdir(), 'helper-'));
    writeFileSync(join(dir, 'app.bin'), 'x');
    writeFileSync(join(dir, 'exit'), '1\n');
    await runSidecar(
      {
        apiUrl: api.url,
        token: 't',
        firstSeq: 1,
        secrets: [],
        dir,
        resultsFile: join(dir, 'results'),
        outputArtifacts: [{ name: 'app', path: join(dir, 'app.bin') }],
      },
      { isStopping: false },
    );
    expect(api.uploads).toEqual([]);
  });

  it('downloads input artifacts in the inputs container: a file, and a directory extracted', async () => {
    const source = mkdtempSync(join(tmpdir(), 'src-'));
    mkdirSync(join(source, 'sub'));
    writeFileSync(join(source, 'sub', 'README'), 'readme\n');
    const tar = execFileSync('tar', ['-cf', '-', '-C', source, '.']);
    const api = await fakeApi({
      inputs: {
        app: { kind: 'file', body: Buffer.from('binary-bytes') },
        docs: { kind: 'directory', body: tar },
      },
    });
    close = api.close;
    const workspace = mkdtempSync(join(tmpdir(), 'ws-'));
    const logFile = join(workspace, 'stdout');
    await runInputs(
      {
        resources: [],
        artifacts: [
          { name: 'app', path: join(workspace, 'got', 'app.bin'), isDirectory: false },
          { name: 'docs', path: join(workspace, 'got', 'docs'), isDirectory: true },
        ],
        workingDir: join(workspace, 'work'),
      },
      { CYCLONE_API_URL: api.url, CYCLONE_STAGE_TOKEN: 't' },
      logFile,
      workspace,
    );
    expect(readFileSync(join(workspace, 'got', 'app.bin'), 'utf8')).toBe('binary-bytes');
    expect(readFileSync(join(workspace, 'got', 'docs', 'sub', 'README'), 'utf8')).toBe('readme\n');
    expect(readFileSync(logFile, 'utf8')).toContain('[cyclone] restoring artifact "docs" at');

    // An artifact the API does not have fails at once (no retries for a 404).
    await expect(
      downloadArtifact(
        { apiUrl: api.url, token: 't', log: () => undefined },
        { name: 'missing', path: join(workspace, 'm') },
      ),
    ).rejects.toThrow('input artifact "missing": 404');
    expect(existsSync(join(workspace, 'm'))).toBe(false);
  });
});
