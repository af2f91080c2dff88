import type pg from 'pg';
import { Prisma } from '../generated/prisma/client.js';

/**
 * The raw-SQL part of a transaction: what a Prisma transaction offers and a plain pg
 * one (`PlainSql.transaction`) offers too. Code on the run path (run passes, stage
 * exits, run creation) takes this rather than Prisma's `Tx`, so it runs on either;
 * the engine runs it on plain pg, where a statement costs a fraction of Prisma's
 * CPU (no query compiler, no result mapping). Write its statements so both drivers
 * read the same: cast int8 and numeric results to int or float8 (pg returns them as
 * text, Prisma as bigint), enum arrays to text[], and pass JSON as a string.
 */
export interface SqlTx {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

function statementOf(query: TemplateStringsArray | Prisma.Sql, values: unknown[]): Prisma.Sql {
  return query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);
}

/**
 * SqlTx on one pg connection that is inside a transaction; `named` gives a statement
 * text its prepared statement's name, if it has one (PlainSqlOptions.prepared).
 */
export function sqlTxOn(
  client: pg.ClientBase,
  named: (text: string) => { text: string; name?: string } = (text) => ({ text }),
): SqlTx {
  const run = (text: string, values: unknown[]) => client.query({ ...named(text), values });
  return {
    $queryRaw: async <T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
      const statement = statementOf(query, values);
      return (await run(statement.text, statement.values)).rows as T;
    },
    $executeRaw: async (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
      const statement = statementOf(query, values);
      return (await run(statement.text, statement.values)).rowCount ?? 0;
    },
    $queryRawUnsafe: async <T>(query: string, ...values: unknown[]) => (await run(query, values)).rows as T,
  };
}
