import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { createPlainSql, type PlainSql } from './plain-sql.js';
import { createPrismaClient, type Db } from './prisma.js';
import type { SqlTx } from './sql-tx.js';

describe('PlainSql.transaction', () => {
  let database: TestDatabase;
  let sql: PlainSql;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = createPlainSql(database.url, 4, { idleInTransactionMs: 500 });
    db = createPrismaClient(database.url);
    await sql.execute('CREATE TABLE notes (id int PRIMARY KEY, text text NOT NULL)', []);
  });

  afterAll(async () => {
    await sql.close();
    await db.$disconnect();
    await database.drop();
  });

  const noteIds = async () =>
    (await sql.rows<{ id: number }>('SELECT id FROM notes ORDER BY id', [])).map((row) => row.id);

  it('commits what its work wrote when the work resolves', async () => {
    const answer = await sql.transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO notes (id, text) VALUES (${1}, ${'kept'})`;
      return 'done';
    });
    expect(answer).toBe('done');
    expect(await noteIds()).toContain(1);
  });

  it('writes nothing when the work throws, and throws its error', async () => {
    await expect(
      sql.transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO notes (id, text) VALUES (${2}, ${'lost'})`;
        throw new Error('half-way');
      }),
    ).rejects.toThrow('half-way');
    expect(await noteIds()).not.toContain(2);
    // The connection went back to the pool clean: a later transaction works on it.
    await sql.transaction((tx) => tx.$executeRaw`INSERT INTO notes (id, text) VALUES (${3}, ${'after'})`);
    expect(await noteIds()).toContain(3);
  });

  it('releases the row locks of a transaction whose caller hangs, and fails its commit', async () => {
    await sql.execute(`INSERT INTO notes (id, text) VALUES (10, 'locked')`, []);
    let release: () => void = () => {};
    const hung = sql.transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM notes WHERE id = 10 FOR UPDATE`;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    hung.catch(() => undefined);
    // Waits for the lock until Postgres ends the idle transaction's session.
    await sql.transaction((tx) => tx.$executeRaw`UPDATE notes SET text = 'taken over' WHERE id = 10`);
    release();
    await expect(hung).rejects.toThrow();
    const [row] = await sql.rows<{ text: string }>('SELECT text FROM notes WHERE id = 10', []);
    expect(row?.text).toBe('taken over');
  });

  it('reads and binds values as a Prisma transaction does, for statements written by SqlTx rules', async () => {
    const at = new Date('2026-12-07T10:00:00.123Z');
    const statement = (tx: SqlTx) => tx.$queryRaw<Record<string, unknown>[]>`
      SELECT ${7}::int AS count, (2::bigint ^ 40)::float8 AS big, ${'x'}::text AS text,
             ${JSON.stringify([{ key: 'k', value: 'v' }])}::jsonb AS json, ${at.toISOString()}::timestamptz AS at,
             ${['a', 'b']}::text[] AS list, ${true} AND ${false} AS flag, ${null}::int AS nothing,
             cardinality(${[]}::text[]) AS empty, 'RUNNING'::text::"RunPhase"::text AS phase`;
    const plain = await sql.transaction(statement);
    const prisma = await db.$transaction((tx) => statement(tx));
    expect(plain).toEqual(prisma);
    expect(plain[0]).toEqual({
      count: 7,
      big: 2 ** 40,
      text: 'x',
      json: [{ key: 'k', value: 'v' }],
      at,
      list: ['a', 'b'],
      flag: false,
      nothing: null,
      empty: 0,
      phase: 'RUNNING',
    });
  });
});

describe('plain SQL pools', () => {
  let database: TestDatabase;

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
    expect(await preparedAfterTwoRuns(createPlainSql(database.url, 1, { prepared: true }))).toEqual([STATEMENT]);
  });

  it('keeps the statements of transactions prepared on a prepared pool too', async () => {
    const sql = createPlainSql(database.url, 1, { prepared: true });
    try {
      for (const n of [1, 2]) {
        const [row] = await sql.transaction((tx) => tx.$queryRaw<{ n: number }[]>`SELECT ${n}::int + 1 AS n`);
        expect(row?.n).toBe(n + 1);
      }
      const prepared = await sql.rows<{ statement: string }>(
        `SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int + 1%'`,
        [],
      );
      expect(prepared.map((row) => row.statement)).toEqual(['SELECT $1::int + 1 AS n']);
    } finally {
      await sql.close();
    }
  });

  it('prepares nothing in a plain pool', async () => {
    expect(await preparedAfterTwoRuns(createPlainSql(database.url, 1))).toEqual([]);
  });
});
