// What the database did over a window: SQL statements (pg_stat_statements, without the
// bench's own, marked /* bench */) and rows written (pg_stat_database), for per-run figures.
import type pg from 'pg';

export interface DbCounters {
  statements: number;
  rowsWritten: number;
}

/** Creates pg_stat_statements (the platform preloads it) and resets it; call before the window. */
export async function startDbCounters(sql: pg.Client): Promise<DbCounters> {
  await sql.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await sql.query('SELECT pg_stat_statements_reset()');
  return readDbCounters(sql);
}

export async function readDbCounters(sql: pg.Client): Promise<DbCounters> {
  // pg_stat_database is updated when a backend's transaction ends, at most once a second (PGSTAT_MIN_INTERVAL).
  await sql.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await sql.query<{ statements: string; written: string }>(
    `/* bench */ SELECT
       (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
         WHERE query NOT LIKE '%/* bench */%' AND query NOT LIKE '%pg_stat_statements%') AS statements,
       (SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = current_database()) AS written`,
  );
  return { statements: Number(rows[0]?.statements ?? 0), rowsWritten: Number(rows[0]?.written ?? 0) };
}

export function countersSince(before: DbCounters, after: DbCounters): DbCounters {
  return { statements: after.statements - before.statements, rowsWritten: after.rowsWritten - before.rowsWritten };
}

/** A statement since the reset: how often it ran and its execution time in all (ms). */
export interface StatementCost {
  calls: number;
  ms: number;
  /** The longest single execution. */
  maxMs: number;
  query: string;
}

/** The statements run most often since the reset, with their calls and time: where the database's work goes. */
export async function busiestStatements(sql: pg.Client, limit: number): Promise<StatementCost[]> {
  const { rows } = await sql.query<{ calls: string; ms: number; maxMs: number; query: string }>(
    `/* bench */ SELECT calls, total_exec_time AS ms, max_exec_time AS "maxMs", regexp_replace(query, '\\s+', ' ', 'g') AS query
      FROM pg_stat_statements
      WHERE query NOT LIKE '%/* bench */%' AND query NOT LIKE '%pg_stat_statements%'
      ORDER BY calls DESC LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({
    calls: Number(row.calls),
    ms: Number(row.ms),
    maxMs: Number(row.maxMs),
    query: row.query,
  }));
}

/** Prints each statement's calls and execution time per unit of work (a run, a second…), busiest first. */
export function printStatementCosts(costs: readonly StatementCost[], per: number, unit: string): void {
  for (const { calls, ms, query } of costs) {
    const each = `${(calls / per).toFixed(2)} × per ${unit}, ${((ms / per) * 1000).toFixed(0)} µs`;
    process.stderr.write(`  ${each.padEnd(28)} ${query.slice(0, 150)}\n`);
  }
}
