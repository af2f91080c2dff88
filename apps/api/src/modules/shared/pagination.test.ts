import { describe, expect, it } from 'vitest';
import { toConnection, withLazyTotal } from './pagination.js';

describe('withLazyTotal', () => {
  const page = () =>
    toConnection([{ id: 'a' }, { id: 'b' }, { id: 'c' }], 2, 0, (row) => ({ sort: row.id, id: row.id }), false);

  it('does not count until totalCount is read', () => {
    let counts = 0;
    const connection = withLazyTotal(page(), async () => ++counts);
    expect(connection.edges.map((edge) => edge.node.id)).toEqual(['a', 'b']);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    expect(counts).toBe(0);
  });

  it('counts once however often totalCount is read', async () => {
    let counts = 0;
    const connection = withLazyTotal(page(), async () => {
      counts += 1;
      return 42;
    });
    expect(await connection.totalCount).toBe(42);
    expect(await connection.totalCount).toBe(42);
    expect(counts).toBe(1);
  });
});
