import pg from 'pg';
import { fastTimestampTypes } from './pg-timestamps.js';
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
  /**
   * Statements are prepared once per connection (named after their text), for a pool
   * that runs a few fixed statements very often: the stored log batches, which Postgres
   * otherwise parsed and planned again for every batch of every stage (at 10 lines a
   * batch, 59 µs of its CPU a line instead of 40), and the run passes. Texts past the
   * first MAX_PREPARED are run unprepared, so a text built from data cannot fill a
   * connection with statements.
   */
  prepared?: boolean;
}

const MAX_PREPARED = 500;

export function createPlainSql(databaseUrl: string, maxConnections = 4, options: PlainSqlOptions = {}): PlainSql {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: maxConnections,
    types: fastTimestampTypes,
    ...(options.connectWaitMs ? { connectionTimeoutMillis: options.connectWaitMs } : {}),
    ...(options.idleInTransactionMs ? { idle_in_transaction_session_timeout: options.idleInTransactionMs } : {}),
  });
  // Idle clients that lose their connection are replaced on the next query.
  pool.on('error', () => {});
  const statement = options.prepared ? preparedStatements() : (text: string) => ({ text });
  const query = (text: string, values: readonly unknown[]) =>
    pool.query({ ...statement(text), values: values as unknown[] });
  return {
    rows: async <T>(text: string, values: readonly unknown[]) => (await query(text, values)).rows as T[],
    execute: async (text: string, values: readonly unknown[]) => {
      await query(text, values);
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
        const result = await work(sqlTxOn(client, statement));
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

/** A name per statement text, the same on every connection of the pool (pg prepares it on each once). */
function preparedStatements(): (text: string) => { text: string; name?: string } {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED) {
      name = `cyclone_${names.size + 1}`;
      names.set(text, name);
    }
    return name === undefined ? { text } : { text, name };
  };
}
