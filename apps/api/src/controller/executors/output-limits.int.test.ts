import { afterAll, beforeAll, describe, it } from 'vitest';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { expectFloodsContained, FLOOD_LIMITS } from '../../testing/output-floods.js';
import { seedTenant } from '../../testing/seed.js';
import { runHelpers, sh } from '../../testing/stage-io.js';
import { startTestApi, type TestApi } from '../../testing/test-api.js';

/** Stages of the host executor that print without end or without newlines, through the real API. */
describe('output limits on the host executor', () => {
  let api: TestApi;
  let db: Db;
  let h: ReturnType<typeof runHelpers>;

  beforeAll(async () => {
    api = await startTestApi(FLOOD_LIMITS);
    const admin = await api.loginAsAdmin();
    const dev = (await seedTenant(api, admin, 'acme', { projects: ['web'], roles: ['DEVELOPER'] })).DEVELOPER;
    db = createPrismaClient(api.databaseUrl);
    h = runHelpers(api, () => dev);
  });

  afterAll(async () => {
    await db?.$disconnect();
    await api?.stop();
  });

  it('stores a long line in marked pieces, truncates a flood at the log limit, reads results within theirs', async () => {
    await expectFloodsContained(h, db, sh);
  }, 600_000);
});
