// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Cyclone references, not templates.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { seedTenant } from '../../testing/seed.js';
import { type RunView, runHelpers, sh } from '../../testing/stage-io.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

const USAGE = `query($tenant: String!) {
  storageUsage(tenant: $tenant) { project { name } cacheBytes cacheEntries artifactBytes logBytes }
}`;
const CLEAN = 'mutation($input: CleanCachesInput!) { cleanCaches(input: $input) }';
const CACHES = 'query($tenant: String!) { caches(tenant: $tenant) { key size project } }';

interface Usage {
  project: { name: string };
  cacheBytes: number;
  cacheEntries: number;
  artifactBytes: number;
  logBytes: number;
}

/** Prints two lines (one not ASCII: bytes, not characters, count), saves a cache and uploads an artifact. */
const build = sh(
  'build',
  'echo "héllo ${V}"; echo done; mkdir -p .cache out && echo "$V" > .cache/v && printf "artifact-bytes" > out/a.bin',
  {
    env: [{ name: 'V', value: '${variables.V}' }],
    caches: [{ key: '${variables.P}-${variables.V}', paths: ['.cache'] }],
    outputs: { artifacts: [{ name: 'a', path: 'out/a.bin' }] },
  },
);

describe('storageUsage and cleanCaches', () => {
  let api: TestApi;
  let db: Db;
  let dataDir: string;
  let dev: string;
  let viewer: string;
  let stranger: string;
  let web: ReturnType<typeof runHelpers>;
  let back: ReturnType<typeof runHelpers>;
  let globex: ReturnType<typeof runHelpers>;
  const webRuns: RunView[] = [];

  const usage = async (token = viewer) =>
    (await web.must<{ storageUsage: Usage[] }>(USAGE, { tenant: 'acme' }, token)).storageUsage;
  const stored = (storageKey: string) => existsSync(join(dataDir, 'artifacts', storageKey));

  /** Runs `build` of the helpers' project with V = v; the run must succeed. */
  const runBuild = async (h: ReturnType<typeof runHelpers>, project: string, v: string) => {
    const id = await h.start('build', [
      { name: 'variables.P', value: project },
      { name: 'variables.V', value: v },
    ]);
    const run = await h.waitEnd(id);
    expect(run.phase, run.message).toBe('SUCCEEDED');
    return run;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-storage-usage-'));
    api = await startTestApi({ CYCLONE_DATA_DIR: dataDir });
    const admin = await api.loginAsAdmin();
    const roles = await seedTenant(api, admin, 'acme', {
      projects: ['web', 'backend', 'empty'],
      roles: ['DEVELOPER', 'VIEWER'],
    });
    dev = roles.DEVELOPER;
    viewer = roles.VIEWER;
    stranger = (await seedTenant(api, admin, 'globex', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(api.databaseUrl);
    web = runHelpers(api, () => dev);
    back = runHelpers(api, () => dev, { tenant: 'acme', project: 'backend' });
    globex = runHelpers(api, () => stranger, { tenant: 'globex', project: 'web' });
    const variables = [
      { name: 'P', value: 'x' },
      { name: 'V', value: '1' },
    ];
    for (const h of [web, back, globex]) await h.createWorkflow('build', [build], variables);
    webRuns.push(await runBuild(web, 'web', '1'), await runBuild(web, 'web', '2'));
    await runBuild(back, 'backend', '1');
    await runBuild(globex, 'web', '1');
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("shows every project by name, zeros included, with its caches, its runs' artifacts and stored log bytes", async () => {
    const { caches } = await web.must<{ caches: { size: number; project: string }[] }>(CACHES, { tenant: 'acme' });
    const cacheBytesOf = (project: string) =>
      caches.filter((c) => c.project === project).reduce((sum, c) => sum + c.size, 0);
    const artifactBytes = webRuns.flatMap((run) => run.artifacts).reduce((sum, a) => sum + a.size, 0);
    const lines = (await Promise.all(webRuns.map((run) => web.logs(run.id, 'build')))).flat();
    expect(lines).toEqual(expect.arrayContaining(['héllo 1', 'héllo 2', 'done']));

    const rows = await usage();
    expect(rows.map((row) => row.project.name)).toEqual(['backend', 'empty', 'web']);
    expect(rows[1]).toEqual({
      project: { name: 'empty' },
      cacheBytes: 0,
      cacheEntries: 0,
      artifactBytes: 0,
      logBytes: 0,
    });
    expect(rows[2]).toEqual({
      project: { name: 'web' },
      cacheBytes: cacheBytesOf('web'),
      cacheEntries: 2,
      artifactBytes: 2 * 'artifact-bytes'.length,
      // Every stored line of both runs (the stage's own and Cyclone's cache lines), in UTF-8 bytes.
      logBytes: lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0),
    });
    expect(artifactBytes).toBe(28);
    expect(cacheBytesOf('web')).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ cacheEntries: 1, cacheBytes: cacheBytesOf('backend'), artifactBytes: 14 });
  });

  it('is not shown outside the tenant', async () => {
    const refused = await api.graphql(USAGE, { tenant: 'acme' }, stranger);
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses cleanCaches to a VIEWER and names an unknown project, deleting nothing', async () => {
    const before = await db.stageCache.count();
    const forbidden = await api.graphql(CLEAN, { input: { tenant: 'acme', project: 'web' } }, viewer);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await api.graphql(CLEAN, { input: { tenant: 'acme', project: 'nope' } }, dev);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const foreign = await api.graphql(CLEAN, { input: { tenant: 'acme', project: 'web' } }, stranger);
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await db.stageCache.count()).toBe(before);
  });

  it("deletes the project's entries with their archives, audited, and leaves other projects' and tenants'", async () => {
    const rows = await db.stageCache.findMany({ include: { project: true, tenant: true } });
    const isAcmeWeb = (row: (typeof rows)[number]) => row.tenant.name === 'acme' && row.project?.name === 'web';
    const cleaned = rows.filter(isAcmeWeb);
    const kept = rows.filter((row) => !isAcmeWeb(row));
    expect(cleaned.map((row) => row.key).sort()).toEqual(['web-1', 'web-2']);
    expect(kept.map((row) => `${row.tenant.name}/${row.key}`).sort()).toEqual(['acme/backend-1', 'globex/web-1']);
    expect([...cleaned, ...kept].every((row) => stored(row.storageKey))).toBe(true);

    expect(await web.must(CLEAN, { input: { tenant: 'acme', project: 'web' } })).toEqual({ cleanCaches: 2 });

    expect(cleaned.some((row) => stored(row.storageKey))).toBe(false);
    expect(kept.every((row) => stored(row.storageKey))).toBe(true);
    expect((await db.stageCache.findMany()).map((row) => row.id).sort()).toEqual(kept.map((row) => row.id).sort());
    const audit = await db.auditEvent.findMany({ where: { action: 'cache.clean' }, orderBy: { id: 'asc' } });
    expect(audit.map((event) => [event.objectName, event.outcome])).toEqual([
      ['web', 'FAILURE'],
      ['nope', 'FAILURE'],
      ['web', 'FAILURE'],
      ['web', 'SUCCESS'],
    ]);

    const after = await usage();
    expect(after[2]).toMatchObject({ project: { name: 'web' }, cacheBytes: 0, cacheEntries: 0, artifactBytes: 28 });
    expect(after[0]).toMatchObject({ project: { name: 'backend' }, cacheEntries: 1 });
    // Nothing left to clean is no error.
    expect(await web.must(CLEAN, { input: { tenant: 'acme', project: 'web' } })).toEqual({ cleanCaches: 0 });
  });
});
