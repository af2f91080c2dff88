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

/**
 * PlainSql whose statements are prepared once per connection (named after their text),
 * for a pool that runs a few fixed statements very often: the stored log batches, which
 * Postgres otherwise parsed and planned again for every batch of every stage (at 10
 * lines a batch, 59 µs of its CPU a line instead of 40). Only for fixed texts: each one
 * stays prepared on every connection of the pool.
 */
export function createPreparedSql(databaseUrl: string, maxConnections: number): PlainSql {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections });
  // Idle clients that lose their connection are replaced on the next query.
  pool.on('error', () => {});
  const names = new Map<string, string>();
  const query = (text: string, values: readonly unknown[]) => {
    let name = names.get(text);
    if (name === undefined) {
      name = `cyclone_${names.size + 1}`;
      names.set(text, name);
    }
    return pool.query({ name, text, values: values as unknown[] });
  };
  return {
    rows: async <T>(text: string, values: readonly unknown[]) => (await query(text, values)).rows as T[],
    execute: async (text: string, values: readonly unknown[]) => {
      await query(text, values);
    },
    close: () => pool.end(),
  };
}
