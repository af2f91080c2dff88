import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { applyMigrations, defaultMigrationsDir } from './migrate.js';
import { createPrismaClient, type Db } from './prisma.js';

export interface Database {
  db: Db;
  url: string;
  isEmbedded: boolean;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL, or starts the embedded Postgres; then migrates. */
export async function openDatabase(config: Config['database'], logger: Logger): Promise<Database> {
  const embedded = config.url
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPort,
        database: 'cyclone',
        logger: logger.child({ component: 'embedded-postgres' }),
      });
  const url = config.url ?? (embedded as NonNullable<typeof embedded>).url;
  try {
    await applyMigrations(url, config.migrationsDir ?? defaultMigrationsDir(), logger);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const db = createPrismaClient(url);
  return {
    db,
    url,
    isEmbedded: embedded !== undefined,
    close: async () => {
      await db.$disconnect();
      await embedded?.stop();
    },
  };
}
