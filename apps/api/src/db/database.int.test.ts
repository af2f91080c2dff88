import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../testing/test-database.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { applyMigrations, defaultMigrationsDir } from './migrate.js';

const logger = pino({ level: 'silent' });

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('are recorded in Prisma’s table and applying them again changes nothing', async () => {
    const database = await createTestDatabase();
    try {
      const before = await query<{ migration_name: string }>(
        database.url,
        'SELECT migration_name FROM "_prisma_migrations"',
      );
      expect(before.map((r) => r.migration_name)).toContain('20261125000000_init');
      expect(await applyMigrations(database.url, defaultMigrationsDir(), logger)).toEqual([]);
      const after = await query(database.url, 'SELECT count(*)::int AS n FROM "_prisma_migrations"');
      expect(after).toEqual([{ n: before.length }]);
    } finally {
      await database.drop();
    }
  });

  it('serialise across concurrent processes', async () => {
    const database = await createTestDatabase();
    try {
      await query(database.url, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      const runs = await Promise.all(
        [1, 2, 3].map(() => applyMigrations(database.url, defaultMigrationsDir(), logger)),
      );
      // Each migration is applied exactly once, by whichever process got the lock first.
      expect(runs.flat().sort()).toEqual(
        readdirSync(defaultMigrationsDir())
          .filter((n) => /^\d/.test(n))
          .sort(),
      );
    } finally {
      await database.drop();
    }
  });
});

describe('embedded Postgres', () => {
  it('keeps its data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cyclone-embedded-'));
    chmodSync(dataDir, 0o755);
    try {
      const first = await startEmbeddedPostgres({ dataDir, port: 0, database: 'keep', logger });
      await query(first.url, 'CREATE TABLE marker (v text); INSERT INTO marker VALUES ($$kept$$)');
      await first.stop();
      const second = await startEmbeddedPostgres({ dataDir, port: 0, database: 'keep', logger });
      expect(await query(second.url, 'SELECT v FROM marker')).toEqual([{ v: 'kept' }]);
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
