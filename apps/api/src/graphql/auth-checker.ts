import type { AuthChecker } from 'type-graphql';
import { forbidden, unauthenticated } from '../errors/app-error.js';
import type { GraphQLContext } from './context.js';

/**
 * `@Authorized()` requires a signed-in user; `@Authorized('PLATFORM_ADMIN')`
 * requires a platform administrator. Tenant roles are checked in services, where
 * the tenant is known.
 */
export const authChecker: AuthChecker<GraphQLContext> = ({ context }, roles) => {
  if (!context.user) throw context.authError ?? unauthenticated();
  if (roles.includes('PLATFORM_ADMIN') && !context.user.isAdmin) {
    throw forbidden('only platform administrators may do this');
  }
  return true;
};
