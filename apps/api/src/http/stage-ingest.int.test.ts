import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStageToken } from '../controller/executors/kubernetes/stage-token.js';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { SecretBox } from '../modules/integrations/secret-box.js';
import { seedTenant } from '../testing/seed.js';
import { runHelpers, sh } from '../testing/stage-io.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

/**
 * The route stage pods' helpers post to. Pods of the test control plane (kwok) run
 * no containers, so their helpers never post: the route is driven here over HTTP as
 * a helper would. The API runs as role `server` (no controller), and the attempt is
 * put in RUNNING directly, as the Kubernetes executor's reconciler pass would.
 */
describe('stage log and output ingestion', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);
  let api: TestApi;
  let db: Db;
  let h: ReturnType<typeof runHelpers>;
  let runId: string;
  let token: string;

  const post = (path: string, body: unknown, bearer = token) =>
    fetch(`${api.url}/internal/stages/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify(body),
    });
  const line = (seq: number, text: string, stream = 'STDOUT') => ({
    seq,
    stream,
    timestamp: new Date().toISOString(),
    text,
  });

  beforeAll(async () => {
    api = await startTestApi({ CYCLONE_ROLE: 'server', CYCLONE_ENCRYPTION_KEY: key.toString('base64') });
    const admin = await api.loginAsAdmin();
    const dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(api.databaseUrl);
    h = runHelpers(api, () => dev);
    await h.createWorkflow('pod', [sh('build', 'echo hi')]);
    runId = await h.start('pod');
    await db.stageRun.updateMany({ where: { runId, stage: 'build' }, data: { phase: 'RUNNING', attempt: 1 } });
    token = signStageToken(box, { runId, stage: 'build', attempt: 1 });
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
  });

  it('stores shipped lines once, even when a batch is sent twice', async () => {
    const batch = { lines: [line(1, 'cloning'), line(2, 'warning: shallow', 'STDERR'), line(3, 'done')] };
    expect((await post('logs', batch)).status).toBe(204);
    // The helper did not get the answer and sends the batch again, then the next one.
    expect((await post('logs', batch)).status).toBe(204);
    expect((await post('logs', { lines: [line(3, 'done'), line(4, 'built')] })).status).toBe(204);
    expect(await h.logs(runId, 'build')).toEqual(['cloning', 'warning: shallow', 'done', 'built']);
    const stored = await db.logLine.findMany({ where: { runId, stage: 'build' }, orderBy: { seq: 'asc' } });
    expect(stored.map((l) => [Number(l.seq), l.stream])).toEqual([
      [1, 'STDOUT'],
      [2, 'STDERR'],
      [3, 'STDOUT'],
      [4, 'STDOUT'],
    ]);
  });

  it('keeps posted outputs on the running attempt', async () => {
    const response = await post('outputs', { outputs: [{ key: 'image', value: 'registry/app:1' }] });
    expect(response.status).toBe(204);
    const row = await db.stageRun.findFirstOrThrow({ where: { runId, stage: 'build' } });
    expect(row.outputs).toEqual([{ key: 'image', value: 'registry/app:1' }]);
  });

  it('refuses missing, forged and foreign tokens, and names a bad field', async () => {
    expect((await post('logs', { lines: [] }, '')).status).toBe(401);
    const forged = signStageToken(new SecretBox(randomBytes(32)), { runId, stage: 'build', attempt: 1 });
    expect((await post('logs', { lines: [line(5, 'x')] }, forged)).status).toBe(401);
    const bad = await post('logs', { lines: [{ ...line(5, 'x'), seq: 0 }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^lines\.0\.seq: /);
  });

  it('refuses an attempt that is no longer running', async () => {
    const old = signStageToken(box, { runId, stage: 'build', attempt: 0 });
    expect((await post('logs', { lines: [line(9, 'late')] }, old)).status).toBe(409);
    await db.stageRun.updateMany({ where: { runId, stage: 'build' }, data: { phase: 'FAILED' } });
    expect((await post('logs', { lines: [line(9, 'late')] })).status).toBe(409);
    expect(await db.logLine.count({ where: { runId, stage: 'build', seq: 9n } })).toBe(0);
  });
});
