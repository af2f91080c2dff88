import pg from 'pg';

/**
 * Plain SQL on a small pg pool of its own, for the hottest statements only (run
 * lists, followed logs, stored log lines): Prisma's raw queries cost about twice the
 * CPU per row (its query interpreter and result mapping) and a fixed part per
 * statement that a stage printing steadily pays for every batch.
 */
export interface PlainSql {
  rows<T>(text: string, values: readonly unknown[]): Promise<T[]>;
  execute(text: string, values: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

export function createPlainSql(databaseUrl: string, maxConnections = 4): PlainSql {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections });
  // Idle clients that lose their connection are replaced on the next query.
  pool.on('error', () => {});
  return {
    rows: async <T>(text: string, values: readonly unknown[]) =>
      (await pool.query(text, values as unknown[])).rows as T[],
    execute: async (text: string, values: readonly unknown[]) => {
      await pool.query(text, values as unknown[]);
    },
    close: () => pool.end(),
  };
}
