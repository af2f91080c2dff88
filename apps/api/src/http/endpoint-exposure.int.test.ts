// What /healthz, /livez, /readyz and /metrics give away to anyone who reaches them, and what the probes say.
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
      expect(text).not.toContain('process_cpu');
      expect(text).toContain('CYCLONE_METRICS_TOKEN');
    }
  });

  it('answers a scrape with the token', async () => {
    const response = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('cyclone_runs_started_total');
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
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
      // The operator still finds the reason in the log (written by another process: wait for it).
      await expect.poll(() => api.output(), { timeout: 10_000 }).toContain('health check: the database did not answer');
    } finally {
      await api.crash();
    }
  }, 120_000);
});

describe('/livez and /readyz', () => {
  it('readiness follows the database and its migrations; liveness never does', async () => {
    const database = await createTestDatabase();
    const api = await spawnApi({
      DATABASE_URL: database.url,
      CYCLONE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      CYCLONE_ADMIN_PASSWORD: 'a-test-password',
    });
    const probe = async (path: string) => {
      const response = await fetch(`${api.url}${path}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    try {
      expect(await probe('/livez')).toEqual({ status: 200, body: { status: 'alive' } });
      expect(await probe('/readyz')).toEqual({
        status: 200,
        body: { status: 'ready', checks: { started: true, database: true, migrations: true, engine: true } },
      });

      // A database this build's migrations have not all reached (a restored backup, say).
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ migration_name: string }>(
        'DELETE FROM "_prisma_migrations" WHERE migration_name = (SELECT max(migration_name) FROM "_prisma_migrations") RETURNING migration_name',
      );
      await client.end();
      const unmigrated = await probe('/readyz');
      expect(unmigrated.status).toBe(503);
      expect(unmigrated.body).toMatchObject({
        status: 'not ready',
        checks: { database: true, migrations: false },
        missingMigrations: [rows[0]?.migration_name],
      });

      await database.drop();
      const gone = await probe('/readyz');
      expect(gone.status).toBe(503);
      expect(gone.body).toMatchObject({ status: 'not ready', checks: { database: false, migrations: false } });
      expect(JSON.stringify(gone.body)).not.toContain(new URL(database.url).pathname.slice(1));
      // The pod stays alive: a database outage makes it unready, not restarted.
      expect(await probe('/livez')).toEqual({ status: 200, body: { status: 'alive' } });
    } finally {
      await api.crash();
    }
  }, 120_000);
});
