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
