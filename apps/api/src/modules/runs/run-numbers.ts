import pg from 'pg';
import type { SqlTx } from '../../db/sql-tx.js';
import type { Logger } from '../../logging/logger.js';

const STATEMENT_TIMEOUT_MS = 5_000;

/**
 * Bumps the workflow's counter to the next run number. Never below the highest
 * stored number, so runs inserted by other means (fixtures, older versions) are
 * not collided with; the max is one step back along the (workflow, number) index.
 */
const NEXT_NUMBER = `
  UPDATE workflows SET last_run_number = GREATEST(
    last_run_number,
    COALESCE((SELECT max(number) FROM workflow_runs WHERE workflow_id = $1::uuid), 0)
  ) + 1
  WHERE id = $1::uuid
  RETURNING last_run_number AS number`;

/**
 * Hands out run numbers per workflow like a sequence: on its own connection, each
 * bump commits at once, so the workflow's row is locked for the one statement
 * rather than for the whole creating transaction (which serialized every run
 * submission of a workflow). A number whose run is then not created (the
 * transaction failed) is skipped: numbers grow, with rare gaps. Without a
 * connection (none configured, or it failed) the bump happens inside the
 * transaction instead, holding the lock until commit as before.
 */
export class RunNumbers {
  private pool: pg.Pool | undefined;

  constructor(private readonly deps: { databaseUrl: () => string | undefined; logger: Logger }) {}

  async next(tx: Pick<SqlTx, '$queryRawUnsafe'>, workflowId: string): Promise<number> {
    try {
      const { rows } = await this.connect().query<{ number: number }>(NEXT_NUMBER, [workflowId]);
      if (rows[0]) return rows[0].number;
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'run numbering connection failed; numbering in the transaction');
    }
    return nextRunNumberInTx(tx, workflowId);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end().catch(() => undefined);
  }

  private connect(): pg.Pool {
    if (this.pool) return this.pool;
    const url = this.deps.databaseUrl();
    if (!url) throw new Error('no database URL for run numbering');
    // Two connections: each bump is one short statement. A bump never waits long:
    // past the timeout it is done in the transaction instead.
    const pool = new pg.Pool({ connectionString: url, max: 2, statement_timeout: STATEMENT_TIMEOUT_MS });
    pool.on('error', (error) => this.deps.logger.warn({ err: error }, 'run numbering connection lost'));
    this.pool = pool;
    return pool;
  }
}

/** The same bump inside the caller's transaction (the row stays locked until it ends). */
export async function nextRunNumberInTx(tx: Pick<SqlTx, '$queryRawUnsafe'>, workflowId: string): Promise<number> {
  const rows = await tx.$queryRawUnsafe<{ number: number }[]>(NEXT_NUMBER, workflowId);
  if (!rows[0]) throw new Error(`workflow ${workflowId} not found`);
  return rows[0].number;
}
