import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;

/** The one Prisma client of the process, on the pg driver adapter (no native engine). */
export function createPrismaClient(databaseUrl: string, options: { maxConnections?: number } = {}): Db {
  const pool = { connectionString: databaseUrl, ...(options.maxConnections ? { max: options.maxConnections } : {}) };
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

/** Resolves once the database answers a trivial query. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}

/** Names of the migrations the database has applied (Prisma's own table). */
export function appliedMigrations(db: Db): Promise<{ migration_name: string }[]> {
  return db.$queryRaw`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
}
