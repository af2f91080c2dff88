import { createParameterDecorator, type SubscribeResolverData } from 'type-graphql';
import { unauthenticated } from '../errors/app-error.js';
import type { AuthUser } from '../modules/identity/identity.service.js';
import type { GraphQLContext } from './context.js';

/** The context of a signed-in caller: services take `ctx.user` as the actor, no cast needed. */
export type SignedInContext = GraphQLContext & { user: AuthUser };

/**
 * `@Ctx()` for resolvers that act for the caller. `@Authorized()` has turned anonymous
 * callers away before a resolver runs; a field reached without it still refuses them
 * here instead of handing services an undefined user.
 */
export function SignedIn() {
  return createParameterDecorator<GraphQLContext>(({ context }) => signedIn(context));
}

/** The same check where no parameter decorator reaches: a subscription's `subscribe`. */
export function signedIn(context: GraphQLContext): SignedInContext {
  if (!context.user) throw context.authError ?? unauthenticated();
  return context as SignedInContext;
}

/**
 * A subscription's `subscribe` that acts for the caller: `follow` gets the signed-in
 * context (anonymous callers refused, as `signedIn` does) and the field's arguments.
 */
export function subscribeSignedIn<TArgs>(
  follow: (ctx: SignedInContext, args: TArgs) => AsyncIterable<unknown> | Promise<AsyncIterable<unknown>>,
) {
  return ({ args, context }: SubscribeResolverData<unknown, TArgs, GraphQLContext>) => follow(signedIn(context), args);
}
