import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { applyMigrations, defaultMigrationsDir } from '../db/migrate.js';

export const TEMPLATE_DATABASE = 'cyclone_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Maintenance URL of the throwaway server (database `postgres`). */
    postgresAdminUrl: string;
  }
}

/**
 * One throwaway Postgres per test run, on a free port, with a migrated template
 * database; each test file clones it (see test-database.ts), which takes
 * milliseconds instead of a migration run.
 */
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cyclone-test-pg-'));
  chmodSync(dataDir, 0o755);
  const logger = pino({ level: 'warn' });
  const server = await startEmbeddedPostgres({ dataDir, port: 0, database: TEMPLATE_DATABASE, logger });
  await applyMigrations(server.url, defaultMigrationsDir(), logger);
  const adminUrl = new URL(server.url);
  adminUrl.pathname = '/postgres';
  project.provide('postgresAdminUrl', adminUrl.toString());
  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
