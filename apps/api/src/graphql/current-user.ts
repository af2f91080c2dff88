import { createParameterDecorator } from 'type-graphql';
import { unauthenticated } from '../errors/app-error.js';
import type { AuthUser } from '../modules/identity/identity.service.js';
import type { GraphQLContext } from './context.js';

/**
 * The signed-in caller as a resolver argument. `@Authorized()` has turned anonymous
 * callers away before a resolver runs; a field reached without it still refuses them
 * here instead of handing services an undefined user.
 */
export function CurrentUser() {
  return createParameterDecorator<GraphQLContext>(({ context }) => {
    if (!context.user) throw context.authError ?? unauthenticated();
    return context.user satisfies AuthUser;
  });
}
