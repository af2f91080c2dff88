import pg from 'pg';

/**
 * Plain SQL reads on a small pg pool of their own, for the hottest read paths only:
 * Prisma's raw queries cost about twice the CPU per row (its query interpreter and
 * result mapping), which matters on lists of hundreds of rows per request.
 */
export interface ReadSql {
  rows<T>(text: string, values: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export function createReadSql(databaseUrl: string, maxConnections = 4): ReadSql {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections });
  // Idle clients that lose their connection are replaced on the next query.
  pool.on('error', () => {});
  return {
    rows: async <T>(text: string, values: readonly unknown[]) =>
      (await pool.query(text, values as unknown[])).rows as T[],
    close: () => pool.end(),
  };
}
