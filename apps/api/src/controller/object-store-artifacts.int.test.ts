// Artifacts in an S3-compatible store (versitygw) through the whole platform: a stage's
// output artifact is uploaded by one API process, read by the next stage, and downloaded
// through a second API process on the same database; nothing lands on local disk.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type TestS3Server } from '../testing/s3-server.js';
import { seedTenant } from '../testing/seed.js';
import { spawnApi } from '../testing/spawn-api.js';
import { runHelpers, sh, stageOf } from '../testing/stage-io.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';

/** Cache archives under a folder of the bucket (the store drops folders it emptied). */
const tarsIn = (dir: string) =>
  existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((file) => String(file).endsWith('.tar')) : [];

describe('artifacts in an object store', () => {
  let s3: TestS3Server;
  let api: TestApi;
  let dataDir: string;

  beforeAll(async () => {
    s3 = await startS3Server();
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-s3-api-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir, ...s3.env('platform') });
  }, 180_000);
  afterAll(async () => {
    await api?.stop();
    await s3?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a stage uploads, the next one reads, another API process serves the download', async () => {
    const admin = await api.loginAsAdmin();
    const { DEVELOPER: dev } = await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] });
    const h = runHelpers(api, () => dev as string);
    await h.createWorkflow('ship', [
      sh('build', 'mkdir -p out && printf "from-s3" > out/app.bin', {
        outputs: { artifacts: [{ name: 'app', path: 'out/app.bin' }] },
      }),
      sh('use', 'cat got/app.bin', {
        dependsOn: ['build'],
        inputs: { artifacts: [{ name: 'app', path: 'got/app.bin', source: 'build/app' }] },
      }),
    ]);
    const run = await h.waitEnd(await h.start('ship'));
    expect(stageOf(run, 'use').phase).toBe('SUCCEEDED');
    expect((await h.logs(run.id, 'use')).join('\n')).toContain('from-s3');
    // In the bucket, under the prefix; not in the data directory.
    expect(existsSync(join(s3.root, 'artifacts', 'platform', run.id, 'build'))).toBe(true);
    expect(existsSync(join(dataDir, 'artifacts', run.id))).toBe(false);

    const other = await spawnApi({
      DATABASE_URL: api.databaseUrl,
      CYCLONE_ROLE: 'server',
      CYCLONE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      CYCLONE_ADMIN_PASSWORD: 'another-admin-password',
      CYCLONE_DATA_DIR: mkdtempSync(join(tmpdir(), 'cyclone-s3-other-')),
      ...s3.env('platform'),
    });
    try {
      const response = await fetch(`${other.url}/runs/${run.id}/artifacts/build/app`, {
        headers: { authorization: `Bearer ${dev}` },
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('from-s3');
    } finally {
      await other.crash();
    }
  }, 180_000);

  it('keeps stage caches in the bucket: saved, restored, deleted with their object', async () => {
    const admin = await api.loginAsAdmin();
    const { DEVELOPER: dev } = await seedTenant(api, admin, 'cachers', { projects: ['web'], roles: ['DEVELOPER'] });
    const h = runHelpers(api, () => dev as string, { tenant: 'cachers', project: 'web' });
    await h.createWorkflow('cached', [
      sh('build', 'cat deps/v 2>/dev/null || echo none; mkdir -p deps && echo from-bucket > deps/v', {
        caches: [{ key: 'deps-1', paths: ['deps'] }],
      }),
    ]);
    const first = await h.waitEnd(await h.start('cached'));
    expect(await h.logs(first.id, 'build')).toEqual(
      expect.arrayContaining(['none', '[cyclone] cache saved as key deps-1 (10.0 kB)']),
    );
    const second = await h.waitEnd(await h.start('cached'));
    expect(await h.logs(second.id, 'build')).toEqual(
      expect.arrayContaining(['[cyclone] cache restored from key deps-1 (10.0 kB)', 'from-bucket']),
    );
    expect(existsSync(join(dataDir, 'artifacts', 'caches'))).toBe(false);
    const stored = tarsIn(join(s3.root, 'artifacts', 'platform', 'caches'));
    expect(stored).toHaveLength(1);
    const deleted = await api.graphql('mutation { deleteCache(input: {tenant: "cachers", key: "deps-1"}) }', {}, dev);
    expect(deleted.errors).toBeUndefined();
    const left = tarsIn(join(s3.root, 'artifacts', 'platform', 'caches'));
    expect(left).toHaveLength(0);
  }, 180_000);
});
