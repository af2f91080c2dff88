import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { createPrismaClient, type Db } from '../../../db/prisma.js';
import { expectFloodsContained, FLOOD_LIMITS } from '../../../testing/output-floods.js';
import { seedTenant } from '../../../testing/seed.js';
import { runHelpers } from '../../../testing/stage-io.js';
import { startTestApi, type TestApi } from '../../../testing/test-api.js';

/** Stages in containers that print without end or without newlines, through the real API and engine. */
describe('output limits on the container executor', () => {
  const image = inject('baseImage');
  let api: TestApi;
  let db: Db;
  let dataDir: string;
  let h: ReturnType<typeof runHelpers>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cyclone-container-floods-'));
    api = await startTestApi({
      ...FLOOD_LIMITS,
      CYCLONE_DATA_DIR: dataDir,
      CYCLONE_EXECUTOR: 'container',
      DOCKER_HOST: inject('dockerHost'),
      CYCLONE_CONTAINER_NETWORK: 'none',
    });
    const admin = await api.loginAsAdmin();
    const dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(api.databaseUrl);
    h = runHelpers(api, () => dev);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores a long line in marked pieces, truncates a flood at the log limit, reads results within theirs', async () => {
    await expectFloodsContained(h, db, (name, script) => ({ name, image, command: ['sh', '-c'], args: [script] }));
  }, 600_000);
});
