// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { createGitRepository, runHelpers, sh } from '../../testing/stage-io.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const CACHES = 'query($tenant: String!) { caches(tenant: $tenant) { key size savedBy project } }';
const DELETE = 'mutation($input: DeleteCacheInput!) { deleteCache(input: $input) }';

/**
 * The stage says what it found in its cache folder, then leaves the run's V there
 * and 16 kB of data: each entry is a 20 kB tar archive (tar pads to 10 kB records),
 * so the 48 kB limit holds two entries.
 */
const BUILD = [
  'if [ -f .cache/marker ]; then echo "found $(cat .cache/marker)"; else echo fresh; fi',
  'mkdir -p .cache && echo "$V" > .cache/marker && head -c 16000 /dev/zero > .cache/data',
].join('; ');

const build = sh('build', BUILD, {
  env: [{ name: 'V', value: '${variables.V}' }],
  caches: [{ key: 'deps-${variables.V}', paths: ['.cache'], restoreKeys: ['deps-'] }],
});

describe('stage caches: restore before, save after, per tenant with LRU eviction', () => {
  let api: TestApi;
  let db: Db;
  let dataDir: string;
  let admin: string;
  let dev: string;
  let other: string;
  let repo: ReturnType<typeof createGitRepository>;
  let acme: ReturnType<typeof runHelpers>;
  let globex: ReturnType<typeof runHelpers>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-caches-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir, CYCLONE_CACHE_MAX_SIZE: '48Ki' });
    admin = await api.loginAsAdmin();
    dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    other = (await seedTenant(api, admin, 'globex', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(api.databaseUrl);
    acme = runHelpers(api, () => dev);
    globex = runHelpers(api, () => other, { tenant: 'globex', project: 'web' });
    repo = createGitRepository();
    await acme.createWorkflow('cached', [build], [{ name: 'V', value: '1' }]);
    await globex.createWorkflow('cached', [build], [{ name: 'V', value: '1' }]);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (repo) rmSync(join(repo.bare, '..'), { recursive: true, force: true });
  });

  const runWith = async (h: ReturnType<typeof runHelpers>, v: string) => {
    const id = await h.start('cached', [{ name: 'variables.V', value: v }]);
    const run = await h.waitEnd(id);
    expect(run.phase, run.message).toBe('SUCCEEDED');
    return h.logs(id, 'build');
  };

  it('misses, saves, hits the exact key (skipping the save), then restores by prefix, and evicts the least recently used', async () => {
    const first = await runWith(acme, '1');
    expect(first).toEqual(
      expect.arrayContaining([
        '[cyclone] cache miss for key deps-1',
        'fresh',
        '[cyclone] cache saved as key deps-1 (20.0 kB)',
      ]),
    );

    const hit = await runWith(acme, '1');
    expect(hit).toEqual(
      expect.arrayContaining([
        '[cyclone] cache restored from key deps-1 (20.0 kB)',
        'found 1',
        '[cyclone] cache not saved: key deps-1 exists already (a key is never overwritten)',
      ]),
    );

    const prefix = await runWith(acme, '2');
    expect(prefix).toEqual(
      expect.arrayContaining([
        '[cyclone] cache restored from key deps-1 for key deps-2 (20.0 kB)',
        'found 1',
        '[cyclone] cache saved as key deps-2 (20.0 kB)',
      ]),
    );

    // The newest entry of the prefix wins; the third entry is over 48 kB: deps-1, used least recently, goes.
    const third = await runWith(acme, '3');
    expect(third).toEqual(
      expect.arrayContaining([
        '[cyclone] cache restored from key deps-2 for key deps-3 (20.0 kB)',
        'found 2',
        '[cyclone] cache saved as key deps-3 (20.0 kB)',
        '[cyclone] evicted the least recently used cache entries of the tenant: deps-1',
      ]),
    );
    const { caches } = await acme.must<{ caches: { key: string; size: number; savedBy: string; project: string }[] }>(
      CACHES,
      { tenant: 'acme' },
    );
    expect(caches.map((c) => c.key).sort()).toEqual(['deps-2', 'deps-3']);
    expect(caches[0]).toMatchObject({ size: 20480, savedBy: 'cached/build', project: 'web' });
    const rows = await db.stageCache.findMany({ where: { tenant: { name: 'acme' } } });
    expect(rows.map((row) => existsSync(join(dataDir, 'artifacts', row.storageKey)))).toEqual([true, true]);
    expect(existsSync(join(dataDir, 'artifacts', 'caches', rows[0]?.tenantId ?? '', 'x'))).toBe(false);
  });

  it("never restores another tenant's entries, nor lists or deletes them", async () => {
    const logs = await runWith(globex, '9');
    expect(logs).toEqual(expect.arrayContaining(['[cyclone] cache miss for key deps-9', 'fresh']));
    const { caches } = await globex.must<{ caches: { key: string }[] }>(CACHES, { tenant: 'globex' });
    expect(caches.map((c) => c.key)).toEqual(['deps-9']);
    const foreign = await api.graphql(CACHES, { tenant: 'acme' }, other);
    expect(foreign.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|NOT_FOUND/);
    const refused = await api.graphql(DELETE, { input: { tenant: 'acme', key: 'deps-2' } }, other);
    expect(refused.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|NOT_FOUND/);
    expect(await db.stageCache.count({ where: { key: 'deps-2' } })).toBe(1);
  });

  it('deletes an entry with its archive', async () => {
    const row = await db.stageCache.findFirstOrThrow({ where: { key: 'deps-2', tenant: { name: 'acme' } } });
    expect(await acme.must(DELETE, { input: { tenant: 'acme', key: 'deps-2' } })).toEqual({ deleteCache: true });
    expect(existsSync(join(dataDir, 'artifacts', row.storageKey))).toBe(false);
    const missing = await api.graphql(DELETE, { input: { tenant: 'acme', key: 'deps-2' } }, dev);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('keys on hashFiles over the workspace with its inputs in place', async () => {
    await acme.createResource('src', 'GIT', [
      { name: 'SCM_URL', value: `file://${repo.bare}` },
      { name: 'SCM_REVISION', value: 'main' },
    ]);
    await acme.createWorkflow('hashed', [
      sh('build', 'mkdir -p out && cat src/version.txt > out/v', {
        inputs: { resources: [{ name: 'src', path: 'src' }] },
        caches: [{ key: "v-${hashFiles('src/*.txt', 'nothing/**')}", paths: ['out'] }],
      }),
    ]);
    const id = await acme.start('hashed');
    expect((await acme.waitEnd(id)).phase).toBe('SUCCEEDED');
    const hash = createHash('sha256').update('two\n').digest('hex');
    expect(await acme.logs(id, 'build')).toEqual(
      expect.arrayContaining([
        `[cyclone] cache miss for key v-${hash}`,
        `[cyclone] cache saved as key v-${hash} (10.0 kB)`,
      ]),
    );
  });

  it('refuses cache paths outside the workspace at save, naming the stage and field', async () => {
    const bad = sh('compile', 'true', { caches: [{ key: 'k', paths: ['ok', '../up'] }] });
    const result = await api.graphql(
      'mutation($input: CreateWorkflowInput!) { createWorkflow(input: $input) { name } }',
      { input: { tenant: 'acme', project: 'web', name: 'bad-cache', stages: [bad] } },
      dev,
    );
    const error = result.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toBe('input.stages[0].caches[0].paths[1]: stage "compile": ../up must not contain ..');
  });
});
