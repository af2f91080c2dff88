import { ArgsType, type ClassType, Field, Int, ObjectType } from 'type-graphql';
import type { PageInfoShape } from '../modules/shared/pagination.js';

/** Relay connection types for lists that grow; the paging itself is modules/shared/pagination.ts. */

@ObjectType({ simpleResolvers: true })
export class PageInfo implements PageInfoShape {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor?: string;

  @Field(() => String, { nullable: true })
  endCursor?: string;
}

/** `<Name>Edge` and what every `<Name>Connection` has: a parent class only, not in the schema itself. */
function connectionFields<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}ConnectionFields`, { simpleResolvers: true })
  abstract class ConnectionFields {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionFields;
}

/** Makes `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function connectionType<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionType extends connectionFields(node, name) {
    // Not simple: it may be a promise (withLazyTotal), and the compiled executor awaits
    // only what a resolver returns, not a property it reads inline.
    @Field(() => Int, { simple: false, description: 'All items that match the filter, on every page.' })
    totalCount!: number;
  }
  return ConnectionType;
}

/** A connection without `totalCount`, for lists too large to count. */
export function uncountedConnectionType<T extends object>(node: ClassType<T>, name: string, description: string) {
  @ObjectType(`${name}Connection`, { description, simpleResolvers: true })
  class UncountedConnectionType extends connectionFields(node, name) {}
  return UncountedConnectionType;
}

/** The arguments of every connection field: forward pagination, `first` items after the cursor `after`. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20 })
  first!: number;

  @Field(() => String, { nullable: true })
  after?: string;
}
