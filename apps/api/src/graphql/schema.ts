import 'reflect-metadata';
import { createPubSub } from '@graphql-yoga/subscription';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { authChecker } from './auth-checker.js';
import { IdentityResolver } from './resolvers/identity.resolver.js';
import { SystemResolver } from './resolvers/system.resolver.js';

export function buildGraphQLSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [IdentityResolver, SystemResolver],
    authChecker,
    // In-process fan-out; events from other processes arrive through Postgres LISTEN/NOTIFY.
    pubSub: createPubSub(),
    validate: false,
    emitSchemaFile: false,
  });
}
