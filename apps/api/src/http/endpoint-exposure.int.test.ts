// What /healthz and /metrics give away to anyone who reaches them.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnApi } from '../testing/spawn-api.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { createTestDatabase } from '../testing/test-database.js';

const METRICS_TOKEN = 'scrape-token-0123456789';

describe('/metrics with CYCLONE_METRICS_TOKEN', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ CYCLONE_METRICS_TOKEN: METRICS_TOKEN });
  });
  afterAll(() => api.stop());

  it('refuses a scrape without the bearer token, or with another one, and shows no metric', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: METRICS_TOKEN },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${api.url}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      const text = await response.text();
      expect(text).not.toContain('cyclone_');
      expect(text).toContain('CYCLONE_METRICS_TOKEN');
    }
  });

  it('answers a scrape with the token', async () => {
    const response = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('cyclone_process_cpu_user_seconds_total');
  });
});

describe('/healthz when the database is gone', () => {
  it('answers 503 without the database error text', async () => {
    const database = await createTestDatabase();
    const name = new URL(database.url).pathname.slice(1);
    const api = await spawnApi({
      DATABASE_URL: database.url,
      CYCLONE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      CYCLONE_ADMIN_PASSWORD: 'a-test-password',
    });
    try {
      expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
      await database.drop();
      const admin = new pg.Client({ connectionString: database.url.replace(`/${name}`, '/postgres') });
      await admin.connect();
      try {
        expect((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount).toBe(0);
      } finally {
        await admin.end();
      }
      const response = await fetch(`${api.url}/healthz`);
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ status: 'database unavailable' });
      expect(JSON.parse(text)).not.toHaveProperty('error');
      // Neither the database's name, its server, nor the driver's words.
      for (const leak of [name, 'does not exist', 'database "', '127.0.0.1', 'ECONNREFUSED']) {
        expect(text).not.toContain(leak);
      }
      // The operator still finds the reason in the log.
      expect(api.output()).toContain('health check: the database did not answer');
    } finally {
      await api.crash();
    }
  }, 120_000);
});
