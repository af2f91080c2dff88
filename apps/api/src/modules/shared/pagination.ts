import { badInput } from '../../errors/app-error.js';

/**
 * Cursor pagination of growing lists (workflows, runs, audit events), as presenters
 * page their rows; the GraphQL connection types built from it are graphql/relay.ts.
 */

export interface PageInfoShape {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor?: string;
  endCursor?: string;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfoShape;
  /** A promise when counted lazily (see `withLazyTotal`). */
  totalCount: number | Promise<number>;
}

export const MAX_PAGE_SIZE = 100;

/** A cursor is the sort key of the last row seen plus its id (ties are broken by id). */
export interface CursorKey {
  sort: string | number;
  id: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.sort, key.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey {
  try {
    const [sort, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string | number, string];
    if ((typeof sort !== 'string' && typeof sort !== 'number') || typeof id !== 'string') throw new Error('shape');
    return { sort, id };
  } catch {
    throw badInput('after', 'is not a cursor returned by this API');
  }
}

export function pageSize(first: number | undefined): number {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badInput('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/**
 * Turns `size + 1` fetched rows into a page: the extra row only tells that there is
 * a next page.
 */
export function toPage<T>(
  rows: T[],
  size: number,
  cursorOf: (row: T) => string,
  hasPrevious: boolean,
): { edges: Edge<T>[]; pageInfo: PageInfoShape } {
  const edges = rows.slice(0, size).map((node) => ({ node, cursor: cursorOf(node) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor,
      endCursor: edges[edges.length - 1]?.cursor,
    },
  };
}

/** toPage with the total and the row keys encoded as cursors. */
export function toConnection<T>(
  rows: T[],
  size: number,
  totalCount: number,
  cursorOf: (row: T) => CursorKey,
  hasPrevious: boolean,
): ConnectionShape<T> {
  return { ...toPage(rows, size, (row) => encodeCursor(cursorOf(row)), hasPrevious), totalCount };
}

/**
 * Counts only when `totalCount` is selected: the count is a statement of its own that
 * most list queries do not ask for. Counted once per connection.
 */
export function withLazyTotal<T>(connection: ConnectionShape<T>, count: () => Promise<number>): ConnectionShape<T> {
  let counted: Promise<number> | undefined;
  return Object.defineProperty({ edges: connection.edges, pageInfo: connection.pageInfo }, 'totalCount', {
    enumerable: true,
    get: () => {
      counted ??= count();
      return counted;
    },
  }) as ConnectionShape<T>;
}
