import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStageToken } from '../controller/executors/kubernetes/stage-token.js';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { SecretBox } from '../modules/integrations/secret-box.js';
import { seedTenant } from '../testing/seed.js';
import { runHelpers, sh } from '../testing/stage-io.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * The artifact routes of stage pods' helpers, over HTTP as a helper uses them (pods
 * of the test control plane run no containers). The API runs as role `server` with a
 * 1 KiB artifact limit; attempts are put in RUNNING directly, as a pass would.
 */
describe('stage artifact routes', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);
  let api: TestApi;
  let db: Db;
  let dev: string;
  let h: ReturnType<typeof runHelpers>;
  let runId: string;
  let buildToken: string;

  const url = (path: string) => `${api.url}/internal/stages/artifacts/${path}`;
  const put = (path: string, body: Buffer | ReadableStream, token = buildToken) =>
    fetch(url(path), {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body,
      duplex: 'half',
    } as RequestInit);
  const running = (stage: string) =>
    db.stageRun.updateMany({ where: { runId, stage }, data: { phase: 'RUNNING', attempt: 1 } });

  beforeAll(async () => {
    api = await startTestApi({
      CYCLONE_ROLE: 'server',
      CYCLONE_ENCRYPTION_KEY: key.toString('base64'),
      CYCLONE_ARTIFACT_MAX_SIZE: '1Ki',
      CYCLONE_DATA_DIR: mkdtempSync(join(tmpdir(), 'cyclone-stage-artifacts-')),
    });
    const admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(api.databaseUrl);
    h = runHelpers(api, () => dev);
    await h.createWorkflow('pods', [
      sh('build', 'make', {
        outputs: {
          artifacts: [
            { name: 'app', path: 'out/app.bin' },
            { name: 'docs', path: 'out/docs' },
          ],
        },
      }),
      sh('use', 'run', {
        dependsOn: ['build'],
        inputs: {
          artifacts: [
            { name: 'app', path: 'got/app.bin', source: 'build/app' },
            { name: 'docs', path: 'got/docs', source: 'build/docs' },
          ],
        },
      }),
    ]);
    runId = await h.start('pods');
    await running('build');
    buildToken = signStageToken(box, { runId, stage: 'build', attempt: 1 });
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
  });

  it('streams an uploaded file into the artifact store, recorded for the attempt and downloadable by members', async () => {
    const bytes = Buffer.from('binary-bytes');
    const response = await put('outputs/app?kind=file', bytes);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: 'app', size: '12', sha256: sha256(bytes) });
    const row = await db.artifact.findFirstOrThrow({ where: { runId, stage: 'build', name: 'app' } });
    expect(row).toMatchObject({ attempt: 1, isDirectory: false, size: 12n, sha256: sha256(bytes) });
    // The same store as local runs: the members' download route serves it.
    const download = await fetch(`${api.url}/runs/${runId}/artifacts/build/app`, {
      headers: { authorization: `Bearer ${dev}` },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('binary-bytes');
  });

  it('takes a directory as a tar archive sent in chunks (no length known in advance)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'README'), 'readme\n');
    const tar = execFileSync('tar', ['-cf', '-', '-C', dir, '.']).subarray(0, 1024);
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(tar.subarray(0, 100));
        controller.enqueue(tar.subarray(100));
        controller.close();
      },
    });
    const response = await put('outputs/docs?kind=directory', chunked);
    expect(response.status).toBe(200);
    const row = await db.artifact.findFirstOrThrow({ where: { runId, stage: 'build', name: 'docs' } });
    expect(row).toMatchObject({ isDirectory: true, size: BigInt(tar.length), sha256: sha256(tar) });
  });

  it('refuses an artifact over the size limit with 413 and stores nothing, with or without a length', async () => {
    const before = await db.artifact.findFirstOrThrow({ where: { runId, stage: 'build', name: 'app' } });
    const big = randomBytes(2048);
    const declared = await put('outputs/app?kind=file', big);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: string }).error).toContain('CYCLONE_ARTIFACT_MAX_SIZE');
    const streamed = await put(
      'outputs/app?kind=file',
      new ReadableStream({
        start(controller) {
          for (let i = 0; i < 4; i++) controller.enqueue(big.subarray(i * 512, (i + 1) * 512));
          controller.close();
        },
      }),
    );
    expect(streamed.status).toBe(413);
    const after = await db.artifact.findFirstOrThrow({ where: { runId, stage: 'build', name: 'app' } });
    expect(after).toMatchObject({ sha256: before.sha256, size: before.size });
    const download = await fetch(`${api.url}/runs/${runId}/artifacts/build/app`, {
      headers: { authorization: `Bearer ${dev}` },
    });
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('binary-bytes');
  });

  it('refuses undeclared names, a bad kind, missing and forged tokens, and attempts that are not running', async () => {
    const undeclared = await put('outputs/other', Buffer.from('x'));
    expect(undeclared.status).toBe(400);
    expect(((await undeclared.json()) as { error: string }).error).toBe(
      '"other" is not an output artifact of stage "build"',
    );
    expect((await put('outputs/app?kind=zip', Buffer.from('x'))).status).toBe(400);
    expect((await put('outputs/app', Buffer.from('x'), '')).status).toBe(401);
    const forged = signStageToken(new SecretBox(randomBytes(32)), { runId, stage: 'build', attempt: 1 });
    expect((await put('outputs/app', Buffer.from('x'), forged)).status).toBe(401);
    // An earlier attempt's token (its pod may still be around) is worth nothing.
    const stale = signStageToken(box, { runId, stage: 'build', attempt: 0 });
    expect((await put('outputs/app', Buffer.from('x'), stale)).status).toBe(409);
    expect((await fetch(url('inputs/app'), { headers: { authorization: `Bearer ${stale}` } })).status).toBe(409);
  });

  it('serves a downstream stage its input artifacts by input name, and nothing else', async () => {
    await running('use');
    const useToken = signStageToken(box, { runId, stage: 'use', attempt: 1 });
    const get = (name: string) => fetch(url(`inputs/${name}`), { headers: { authorization: `Bearer ${useToken}` } });
    const app = await get('app');
    expect(app.status).toBe(200);
    expect(app.headers.get('x-cyclone-artifact-kind')).toBe('file');
    expect(app.headers.get('x-checksum-sha256')).toBe(sha256('binary-bytes'));
    expect(Buffer.from(await app.arrayBuffer()).toString()).toBe('binary-bytes');
    const docs = await get('docs');
    expect(docs.headers.get('x-cyclone-artifact-kind')).toBe('directory');
    await docs.arrayBuffer();
    // Not an input of this stage (an output of another is not reachable by its own name).
    expect((await get('report')).status).toBe(404);
    // The build stage has no inputs: its token reads nothing.
    const fromBuild = await fetch(url('inputs/app'), { headers: { authorization: `Bearer ${buildToken}` } });
    expect(fromBuild.status).toBe(404);
  });
});
