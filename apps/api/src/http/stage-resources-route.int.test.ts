import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStageToken } from '../controller/executors/kubernetes/stage-token.js';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { SecretBox } from '../modules/integrations/secret-box.js';
import { seedTenant } from '../testing/seed.js';
import { runHelpers } from '../testing/stage-io.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

const APPLY = 'mutation($input: ApplyManifestsInput!) { applyManifests(input: $input) { kind action } }';

/**
 * The Http output route of stage pods' helpers, over HTTP as a helper uses it: the API
 * (role `server`) sends the body on to the resource's URL, a server of this test.
 */
describe('stage resource route', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);
  let api: TestApi;
  let db: Db;
  let target: Server;
  let status = 201;
  const received: { url: string; headers: Record<string, unknown>; body: string }[] = [];
  let runId: string;
  let token: string;

  const put = (name: string, body: string, bearer = token) =>
    fetch(`${api.url}/internal/stages/resources/outputs/${name}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/x-tar' },
      body,
    });

  beforeAll(async () => {
    target = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const port = (target.address() as AddressInfo).port;
    api = await startTestApi({
      CYCLONE_ROLE: 'server',
      CYCLONE_ENCRYPTION_KEY: key.toString('base64'),
      CYCLONE_OUTBOUND_ALLOW: '127.0.0.1/32',
      CYCLONE_ARTIFACT_MAX_SIZE: '64Ki',
    });
    const admin = await api.loginAsAdmin();
    const dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(api.databaseUrl);
    const h = runHelpers(api, () => dev);
    const yaml = `apiVersion: cyclone.dev/v1alpha1
kind: Resource
metadata: { name: upload }
spec:
  type: Http
  parameters:
    - { name: URL, value: "http://127.0.0.1:${port}/files" }
    - { name: HEADERS, value: "X-Api-Token:Sealed-31" }
    - { name: COMPRESS_FILE_NAME, value: dist.tar }
---
apiVersion: cyclone.dev/v1alpha1
kind: Stage
metadata: { name: build }
spec:
  pod:
    outputs:
      resources: [{ name: upload, path: dist }]
    spec:
      containers: [{ name: main, image: alpine, command: [make] }]
---
apiVersion: cyclone.dev/v1alpha1
kind: Workflow
metadata: { name: ship }
spec:
  stages: [{ name: build }]
`;
    const applied = await api.graphql(APPLY, { input: { tenant: 'acme', project: 'web', yaml } }, dev);
    expect(applied.errors).toBeUndefined();
    runId = await h.start('ship');
    await db.stageRun.updateMany({ where: { runId, stage: 'build' }, data: { phase: 'RUNNING', attempt: 1 } });
    token = signStageToken(box, { runId, stage: 'build', attempt: 1 });
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    target?.close();
  });

  it('sends the archive on as the stage declares it, and records the send for the exit', async () => {
    const answer = await put('upload', 'TAR-BYTES');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: '201: Created', fileName: 'dist.tar' });
    expect(received).toHaveLength(1);
    expect(received[0]?.url).toBe('/files');
    expect(received[0]?.headers['x-api-token']).toBe('Sealed-31');
    expect(received[0]?.body).toContain('filename="dist.tar"');
    expect(received[0]?.body).toContain('TAR-BYTES');
    const sent = await db.resourceSend.findMany({ where: { runId }, select: { name: true, attempt: true } });
    expect(sent).toEqual([{ name: 'upload', attempt: 1 }]);
  });

  it('refuses an archive past CYCLONE_ARTIFACT_MAX_SIZE, declared or streamed, and sends none of it on', async () => {
    const before = received.length;
    const declared = await put('upload', 'x'.repeat(65 * 1024));
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: string }).error).toBe(
      'the archive is larger than the limit of 65536 bytes (CYCLONE_ARTIFACT_MAX_SIZE)',
    );
    // No length announced: the stream is cut off at the limit, after the send began.
    const chunk = new Uint8Array(16 * 1024).fill(120);
    const streamed = await fetch(`${api.url}/internal/stages/resources/outputs/upload`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-tar' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(chunk);
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(received).toHaveLength(before);
    const sent = await db.resourceSend.count({ where: { runId } });
    expect(sent).toBe(1);
  });

  it('refuses names the stage does not give, failed sends, bad tokens and ended attempts', async () => {
    expect((await put('other', 'x')).status).toBe(404);
    status = 500;
    const failed = await put('upload', 'x');
    expect(failed.status).toBe(502);
    expect(((await failed.json()) as { error: string }).error).toMatch(/answered 500/);
    status = 201;
    expect((await put('upload', 'x', 'cst1.forged')).status).toBe(401);
    await db.stageRun.updateMany({ where: { runId, stage: 'build' }, data: { phase: 'FAILED' } });
    expect((await put('upload', 'x')).status).toBe(409);
  });
});
