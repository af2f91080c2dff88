// Stage caches in an S3-compatible store (versitygw) across API processes: one process
// saves an entry, another one (its own data directory, the same database and store)
// restores it after the first has gone; no archive is ever on local disk.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow, logLines, runWorkflow, sh, waitForRun } from '../testing/run-helpers.js';
import { startS3Server, type TestS3Server } from '../testing/s3-server.js';
import { seedTenant } from '../testing/seed.js';
import { type SpawnedApi, spawnApi } from '../testing/spawn-api.js';
import { graphqlAt, loginAsAdmin, TEST_ADMIN } from '../testing/test-api.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';

/** Files under `dir` (recursively) whose name ends with `.tar`. */
const tarsIn = (dir: string) =>
  existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((file) => String(file).endsWith('.tar')) : [];

describe('stage caches in an object store, across API processes', () => {
  let s3: TestS3Server;
  let database: TestDatabase;
  const dataDirs: string[] = [];
  const processes = new Set<SpawnedApi>();
  const key = randomBytes(32).toString('base64');

  /** A whole API (role all: it runs stages on this machine) with a data directory of its own. */
  const spawn = async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cyclone-s3-caches-'));
    dataDirs.push(dataDir);
    const child = await spawnApi({
      DATABASE_URL: database.url,
      CYCLONE_ENCRYPTION_KEY: key,
      CYCLONE_ADMIN_EMAIL: TEST_ADMIN.email,
      CYCLONE_ADMIN_PASSWORD: TEST_ADMIN.password,
      CYCLONE_DATA_DIR: dataDir,
      ...s3.env('shared'),
    });
    processes.add(child);
    return child;
  };

  beforeAll(async () => {
    s3 = await startS3Server();
    database = await createTestDatabase();
  }, 180_000);
  afterAll(async () => {
    for (const child of processes) await child.crash();
    await database?.drop();
    await s3?.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a second API process restores what the first saved, from the bucket', async () => {
    const first = await spawn();
    let api = { graphql: graphqlAt(first.url) };
    const token = await loginAsAdmin(api.graphql);
    await seedTenant(api, token, 'acme', { projects: ['web'] });
    await createWorkflow(api, token, {
      tenant: 'acme',
      project: 'web',
      name: 'cached',
      stages: [
        sh('build', 'cat deps/v 2>/dev/null || echo none; mkdir -p deps && echo "saved by $$" > deps/v', {
          caches: [{ key: 'deps-1', paths: ['deps'] }],
        }),
      ],
    });
    const runCached = async () => {
      const run = await runWorkflow(api, token, { tenant: 'acme', project: 'web', workflow: 'cached' });
      const ended = await waitForRun(api, token, run.id, { timeoutMs: 60_000 });
      expect(ended.phase, ended.message ?? '').toBe('SUCCEEDED');
      return logLines(api, token, run.id, 'build');
    };

    const saved = await runCached();
    expect(saved).toEqual([
      '[cyclone] cache miss for key deps-1',
      'none',
      '[cyclone] cache saved as key deps-1 (10.0 kB)',
    ]);
    const [bucketFile, ...more] = tarsIn(join(s3.root, 'artifacts', 'shared', 'caches'));
    expect(more).toEqual([]);
    // The first process is gone: only the second one can run the next run.
    await first.stop();
    processes.delete(first);

    const second = await spawn();
    api = { graphql: graphqlAt(second.url) };
    const restored = await runCached();
    expect(restored[0]).toBe('[cyclone] cache restored from key deps-1 (10.0 kB)');
    expect(restored[1]).toMatch(/^saved by \d+$/);
    expect(restored[2]).toBe('[cyclone] cache not saved: key deps-1 exists already (a key is never overwritten)');
    expect(tarsIn(join(s3.root, 'artifacts', 'shared', 'caches'))).toEqual([bucketFile]);
    for (const dir of dataDirs) expect(tarsIn(dir)).toEqual([]);
  }, 240_000);
});
