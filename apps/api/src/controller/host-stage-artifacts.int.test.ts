import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { seedTenant } from '../testing/seed.js';
import { type RunView, runHelpers, sh, stageOf } from '../testing/stage-io.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { workspaceGates } from '../testing/workspace-gates.js';

const RETRY = 'mutation($id: ID!, $from: String) { retryWorkflowRun(id: $id, fromStage: $from) { id } }';

describe('artifacts and downloads', () => {
  let api: TestApi;
  let db: Db;
  let dataDir: string;
  let gates: ReturnType<typeof workspaceGates>;
  let dev: string;
  let viewer: string;
  let stranger: string;
  let h: ReturnType<typeof runHelpers>;
  let built: RunView;

  const get = (path: string, token?: string) =>
    fetch(`${api.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-artifacts-'));
    gates = workspaceGates(dataDir);
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    const roles = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER', 'VIEWER'] });
    dev = roles.DEVELOPER;
    viewer = roles.VIEWER;
    stranger = (await seedTenant(api, admin, 'globex', { projects: ['web'], roles: ['OWNER'] })).OWNER;
    db = createPrismaClient(api.databaseUrl);
    h = runHelpers(api, () => dev);
    await h.createWorkflow('build-and-use', [
      sh('build', 'mkdir -p out/docs/sub && printf "binary-bytes" > out/app.bin && echo readme > out/docs/sub/README', {
        outputs: {
          artifacts: [
            { name: 'app', path: 'out/app.bin' },
            { name: 'docs', path: '/out/docs' },
          ],
        },
      }),
      sh('use', `${gates.within('use', 1)}; cat got/app.bin; echo; cat /dev/null; cat got/docs/sub/README`, {
        dependsOn: ['build'],
        inputs: {
          artifacts: [
            { name: 'app', path: 'got/app.bin', source: 'build/app' },
            { name: 'docs', path: '/got/docs', source: 'build/docs' },
          ],
        },
      }),
    ]);
    built = await h.waitEnd(await h.start('build-and-use'));
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    gates?.close();
  });

  it('stores output artifacts of a successful stage and lists them on the run', async () => {
    expect(stageOf(built, 'build').phase).toBe('SUCCEEDED');
    const sha = createHash('sha256').update('binary-bytes').digest('hex');
    expect(built.artifacts).toEqual([
      {
        stage: 'build',
        name: 'app',
        size: 12,
        sha256: sha,
        isDirectory: false,
        downloadUrl: `/runs/${built.id}/artifacts/build/app`,
      },
      expect.objectContaining({ stage: 'build', name: 'docs', isDirectory: true }),
    ]);
    const rows = await db.artifact.findMany({ where: { runId: built.id }, orderBy: { name: 'asc' } });
    expect(rows.map((row) => [row.stage, row.name, row.attempt, Number(row.size), row.sha256])).toEqual([
      ['build', 'app', 1, 12, sha],
      ['build', 'docs', 1, built.artifacts[1]?.size, built.artifacts[1]?.sha256],
    ]);
  });

  it('downloads an artifact over HTTP for tenant members only', async () => {
    const url = `/runs/${built.id}/artifacts/build/app`;
    const file = await get(url, viewer);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('binary-bytes');
    expect(file.headers.get('content-disposition')).toContain('attachment; filename="app"');

    const tar = await get(`/runs/${built.id}/artifacts/build/docs`, viewer);
    expect(tar.status).toBe(200);
    expect(tar.headers.get('content-disposition')).toContain('filename="docs.tar"');
    const bytes = Buffer.from(await tar.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(built.artifacts[1]?.sha256);
    const unpacked = mkdtempSync(join(tmpdir(), 'cyclone-untar-'));
    writeFileSync(join(unpacked, 'docs.tar'), bytes);
    mkdirSync(join(unpacked, 'x'));
    execFileSync('tar', ['-xf', join(unpacked, 'docs.tar'), '-C', join(unpacked, 'x')]);
    expect(execFileSync('cat', [join(unpacked, 'x', 'sub', 'README')], { encoding: 'utf8' })).toBe('readme\n');
    rmSync(unpacked, { recursive: true, force: true });

    expect((await get(url)).status).toBe(401);
    expect((await get(url, 'not-a-token')).status).toBe(401);
    const foreign = await get(url, stranger);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await get(`/runs/${built.id}/artifacts/build/nope`, viewer)).status).toBe(404);
    expect((await get('/runs/not-a-uuid/artifacts/build/app', viewer)).status).toBe(404);
  });

  it('a downstream stage gets the artifacts restored; a retry takes reused stages’ artifacts from its origin', async () => {
    // The consumer failed (its gate was closed); retrying from it reuses build.
    expect(stageOf(built, 'use')).toMatchObject({ phase: 'FAILED', message: 'exited with code 3' });
    gates.open('use');
    const retry = await h.must<{ retryWorkflowRun: { id: string } }>(RETRY, { id: built.id, from: 'use' });
    const run = await h.waitEnd(retry.retryWorkflowRun.id);
    expect(run.phase).toBe('SUCCEEDED');
    expect(stageOf(run, 'build').message).toMatch(/^reused from run #/);
    expect(await h.logs(run.id, 'use')).toEqual([
      // The retry's workspace starts as its origin's; the artifacts are restored over it.
      `[cyclone] the workspace starts as the one run #${built.number} left`,
      '[cyclone] restoring artifact "app" at got/app.bin',
      '[cyclone] restoring artifact "docs" at /got/docs',
      'binary-bytes',
      'readme',
    ]);
    expect(run.artifacts.map((a) => [a.stage, a.name, a.downloadUrl])).toEqual([
      ['build', 'app', `/runs/${run.id}/artifacts/build/app`],
      ['build', 'docs', `/runs/${run.id}/artifacts/build/docs`],
    ]);
    const file = await get(`/runs/${run.id}/artifacts/build/app`, viewer);
    expect(await file.text()).toBe('binary-bytes');
    expect(await db.artifact.count({ where: { runId: run.id } })).toBe(0);
  });

  it('fails an attempt whose declared artifact path does not exist', async () => {
    await h.createWorkflow('missing-output', [
      sh('build', 'echo built', { outputs: { artifacts: [{ name: 'app', path: 'out/none' }] } }),
    ]);
    const run = await h.waitEnd(await h.start('missing-output'));
    expect(run.phase).toBe('FAILED');
    expect(stageOf(run, 'build').message).toBe('output artifacts: "app": out/none does not exist');
    expect(run.artifacts).toEqual([]);
  });

  it('downloads the log as plain text, one stage or all stages prefixed, with the same access rules', async () => {
    const one = await get(`/runs/${built.id}/logs?stage=build`, viewer);
    expect(one.status).toBe(200);
    expect(one.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(one.headers.get('content-disposition')).toBe(
      `attachment; filename="run-${built.id}-build.log"; filename*=UTF-8''run-${built.id}-build.log`,
    );
    const buildLines = await h.logs(built.id, 'build');
    expect(await one.text()).toBe(buildLines.map((line) => `${line}\n`).join(''));

    const all = await get(`/runs/${built.id}/logs`, viewer);
    const useLines = await h.logs(built.id, 'use');
    expect(await all.text()).toBe(
      [...buildLines.map((l) => `[build] ${l}\n`), ...useLines.map((l) => `[use] ${l}\n`)].join(''),
    );
    expect((await get(`/runs/${built.id}/logs`, stranger)).status).toBe(404);
    expect((await get(`/runs/${built.id}/logs`)).status).toBe(401);
    expect((await get(`/runs/${built.id}/logs?stage=ghost`, viewer)).status).toBe(404);
  });

  it('streams a long log in seq order', async () => {
    await h.createWorkflow('chatty', [sh('talk', 'i=1; while [ $i -le 4500 ]; do echo "line $i"; i=$((i+1)); done')]);
    const run = await h.waitEnd(await h.start('chatty'));
    expect(run.phase).toBe('SUCCEEDED');
    const text = await (await get(`/runs/${run.id}/logs?stage=talk`, viewer)).text();
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4500);
    expect(lines[0]).toBe('line 1');
    expect(lines[4499]).toBe('line 4500');
    expect(lines.every((line, i) => line === `line ${i + 1}`)).toBe(true);
  });
});
