import { Arg, Args, Authorized, type ClassType, Mutation, Query, Resolver } from 'type-graphql';
import type { AuthUser } from '../../modules/identity/identity.service.js';
import type { GraphQLContext } from '../context.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';

/** What a service offers for one kind of object; each call checks the caller's role. */
export interface CrudService<TCreate, TUpdate, TRef, TRow> {
  create(user: AuthUser, input: TCreate): Promise<TRow>;
  update(user: AuthUser, input: TUpdate): Promise<TRow>;
  delete(user: AuthUser, ref: TRef): Promise<boolean>;
}

export interface CrudMutationsOptions<
  TObject extends object,
  TCreate extends object,
  TUpdate extends object,
  TRef extends object,
  TRow,
> {
  /** The schema names: `create<name>`, `update<name>`, `delete<name>`. */
  name: string;
  object: ClassType<TObject>;
  inputs: { create: ClassType<TCreate>; update: ClassType<TUpdate>; ref: ClassType<TRef> };
  descriptions: { create?: string; update?: string; delete?: string };
  service: (ctx: GraphQLContext) => CrudService<TCreate, TUpdate, TRef, TRow>;
  /** Turns what the service returns into the object type (rows leave the API only this way). */
  present: (row: TRow) => TObject;
}

/**
 * The create/update/delete mutations every editable object has, as a base class its
 * resolver extends: `create<name>(input)` and `update<name>(input)` return the object,
 * `delete<name>(input)` a Boolean; all of them for signed-in callers.
 */
export function crudMutations<
  TObject extends object,
  TCreate extends object,
  TUpdate extends object,
  TRef extends object,
  TRow,
>(o: CrudMutationsOptions<TObject, TCreate, TUpdate, TRef, TRow>) {
  // A resolver class so the schema maps these handlers onto the resolver that extends it.
  @Resolver()
  abstract class CrudMutations {
    @Authorized()
    @Mutation(() => o.object, { name: `create${o.name}`, description: o.descriptions.create })
    async create(
      @Arg('input', () => o.inputs.create) input: TCreate,
      @SignedIn() ctx: SignedInContext,
    ): Promise<TObject> {
      return o.present(await o.service(ctx).create(ctx.user, input));
    }

    @Authorized()
    @Mutation(() => o.object, { name: `update${o.name}`, description: o.descriptions.update })
    async update(
      @Arg('input', () => o.inputs.update) input: TUpdate,
      @SignedIn() ctx: SignedInContext,
    ): Promise<TObject> {
      return o.present(await o.service(ctx).update(ctx.user, input));
    }

    @Authorized()
    @Mutation(() => Boolean, { name: `delete${o.name}`, description: o.descriptions.delete })
    delete(@Arg('input', () => o.inputs.ref) input: TRef, @SignedIn() ctx: SignedInContext): Promise<boolean> {
      return o.service(ctx).delete(ctx.user, input);
    }
  }
  return CrudMutations;
}

/** The query that finds one object by its names, null when there is none. */
export interface LookupOptions<TArgs extends object, TRow> {
  /** The query's name in the schema. */
  name: string;
  /** The names as arguments: a scope input that is also an `@ArgsType`. */
  args: ClassType<TArgs>;
  description?: string;
  get: (ctx: GraphQLContext, user: AuthUser, args: TArgs) => Promise<TRow | null>;
}

/** The query that lists the objects of a scope (a tenant's), each presented as the mutations present theirs. */
export interface ListOptions<TListArgs extends object, TRow> {
  /** The query's name in the schema. */
  name: string;
  /** Its arguments: the scope, and any filter, as an `@ArgsType`. */
  args: ClassType<TListArgs>;
  description?: string;
  list: (ctx: GraphQLContext, user: AuthUser, args: TListArgs) => Promise<TRow[]>;
}

/** `crudMutations`, the look-up query and, given `list`, the list query: the operations on one kind of object. */
export function crudResolver<
  TObject extends object,
  TCreate extends object,
  TUpdate extends object,
  TRef extends object,
  TArgs extends object,
  TListArgs extends object,
  TRow,
>(
  o: CrudMutationsOptions<TObject, TCreate, TUpdate, TRef, TRow> & {
    lookup: LookupOptions<TArgs, TRow>;
    list?: ListOptions<TListArgs, TRow>;
  },
) {
  @Resolver()
  abstract class CrudResolver extends crudMutations(o) {
    @Authorized()
    @Query(() => o.object, { name: o.lookup.name, nullable: true, description: o.lookup.description })
    async lookup(@Args(() => o.lookup.args) args: TArgs, @SignedIn() ctx: SignedInContext): Promise<TObject | null> {
      const row = await o.lookup.get(ctx, ctx.user, args);
      return row ? o.present(row) : null;
    }
  }
  if (!o.list) return CrudResolver;
  const listed = o.list;

  // A separate class: the list query exists only for the objects that give `list`.
  @Resolver()
  abstract class ListingCrudResolver extends CrudResolver {
    @Authorized()
    @Query(() => [o.object], { name: listed.name, description: listed.description })
    async list(@Args(() => listed.args) args: TListArgs, @SignedIn() ctx: SignedInContext): Promise<TObject[]> {
      const rows = await listed.list(ctx, ctx.user, args);
      return rows.map(o.present);
    }
  }
  return ListingCrudResolver;
}
