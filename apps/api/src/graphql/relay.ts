import { type ClassType, Field, InputType, Int, ObjectType } from 'type-graphql';
import { badInput } from '../errors/app-error.js';

/** Relay cursor pagination (connections) for lists that grow: workflows, runs, audit events. */

@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor?: string;

  @Field(() => String, { nullable: true })
  endCursor?: string;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** A promise when counted lazily (see `withLazyTotal`). */
  totalCount: number | Promise<number>;
}

/** Makes `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function connectionType<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'All items that match the filter, on every page.' })
    totalCount!: number;
  }
  return ConnectionType;
}

@InputType({ description: 'Forward pagination: `first` items after the cursor `after`.' })
export class PageInput {
  @Field(() => Int, { nullable: true, defaultValue: 20 })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
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
export function toConnection<T>(
  rows: T[],
  size: number,
  totalCount: number,
  cursorOf: (row: T) => CursorKey,
  hasPrevious: boolean,
): ConnectionShape<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(cursorOf(node)) }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor,
      endCursor: edges[edges.length - 1]?.cursor,
    },
  };
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
