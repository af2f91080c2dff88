import pg from 'pg';
import { type SqlTx, sqlTxOn } from './sql-tx.js';

/**
 * Plain SQL on a small pg pool of its own, for the hottest statements only (run
 * lists, followed logs, stored log lines): Prisma's raw queries cost about twice the
 * CPU per row (its query interpreter and result mapping) and a fixed part per
 * statement that a stage printing steadily pays for every batch.
 */
export interface PlainSql {
  rows<T>(text: string, values: readonly unknown[]): Promise<T[]>;
  execute(text: string, values: readonly unknown[]): Promise<void>;
  /**
   * `work` in one transaction on a connection of the pool: committed when it
   * resolves, rolled back when it throws. See SqlTx for what its statements can be.
   */
  transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PlainSqlOptions {
  /** How long a caller waits for a free connection before failing (default: for ever). */
  connectWaitMs?: number;
  /**
   * Postgres ends a session whose transaction sits idle this long, releasing its
   * locks: a transaction whose caller hangs cannot block a run for ever.
   */
  idleInTransactionMs?: number;
}

export function createPlainSql(databaseUrl: string, maxConnections = 4, options: PlainSqlOptions = {}): PlainSql {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: maxConnections,
    ...(options.connectWaitMs ? { connectionTimeoutMillis: options.connectWaitMs } : {}),
    ...(options.idleInTransactionMs ? { idle_in_transaction_session_timeout: options.idleInTransactionMs } : {}),
  });
  // Idle clients that lose their connection are replaced on the next query.
  pool.on('error', () => {});
  return {
    rows: async <T>(text: string, values: readonly unknown[]) =>
      (await pool.query(text, values as unknown[])).rows as T[],
    execute: async (text: string, values: readonly unknown[]) => {
      await pool.query(text, values as unknown[]);
    },
    transaction: async <T>(work: (tx: SqlTx) => Promise<T>) => {
      const client = await pool.connect();
      let failure: Error | undefined;
      // The server may end the session meanwhile (idleInTransactionMs, a restart): its
      // error reaches the statement under way or the next; unheard, it would crash the process.
      const onError = (error: Error) => {
        failure = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work(sqlTxOn(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection whose rollback fails is broken: it leaves the pool.
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          failure = rollbackError;
        });
        throw error;
      } finally {
        client.off('error', onError);
        client.release(failure);
      }
    },
    close: () => pool.end(),
  };
}
