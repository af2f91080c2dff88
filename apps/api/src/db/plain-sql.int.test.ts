import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../testing/test-database.js';
import { createPlainSql, createPreparedSql } from './plain-sql.js';

describe('plain SQL pools', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  const STATEMENT = 'SELECT $1::int + 1 AS n';
  /** STATEMENT as often as the pool's one connection keeps it prepared, after running it twice. */
  async function preparedAfterTwoRuns(sql: ReturnType<typeof createPlainSql>) {
    try {
      expect(await sql.rows<{ n: number }>(STATEMENT, [1])).toEqual([{ n: 2 }]);
      expect(await sql.rows<{ n: number }>(STATEMENT, [2])).toEqual([{ n: 3 }]);
      const prepared = await sql.rows<{ statement: string }>(
        'SELECT statement FROM pg_prepared_statements WHERE statement = $1',
        [STATEMENT],
      );
      return prepared.map((row) => row.statement);
    } finally {
      await sql.close();
    }
  }

  it('keeps the statements of a prepared pool prepared on its connections, once each', async () => {
    expect(await preparedAfterTwoRuns(createPreparedSql(database.url, 1))).toEqual([STATEMENT]);
  });

  it('prepares nothing in a plain pool', async () => {
    expect(await preparedAfterTwoRuns(createPlainSql(database.url, 1))).toEqual([]);
  });
});
