import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Router } from 'express';
import { GraphQLError, type GraphQLSchema, parse, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { DataGenerations, DataVersion } from '../db/data-version.js';
import { AppError } from '../errors/app-error.js';
import { formatError } from '../errors/format-error.js';
import { clientIpOf } from '../http/client-ip.js';
import { authorizationOf, sessionCookieOf } from '../http/session-cookie.js';
import type { Logger } from '../logging/logger.js';
import type { Loaders } from '../modules/loaders.js';
import type { Metrics } from '../observability/instruments.js';
import type { Services } from '../services.js';
import { observabilityPlugin } from './apollo-plugins.js';
import { graphqlBodyErrors } from './body-errors.js';
import { CompiledOperations, compiledExecution } from './compiled-execution.js';
import { ConnectionAuthWatch } from './connection-auth.js';
import type { GraphQLContext } from './context.js';
import { assertAffordable, costLimitPlugin, operationCost } from './cost.js';
import { mayChangeCredentials } from './credential-keeping-mutations.js';
import { depthLimitRule } from './limits.js';
import { QueryCache, type QueryCacheOptions } from './query-cache/query-cache.js';
import {
  type QueryCacheFront,
  queryCacheFastPath,
  queryCacheFront,
  queryCachePlugin,
  type RequestAuth,
} from './query-cache/query-cache-http.js';
import { UncacheableFields } from './query-cache/uncacheable-fields.js';
import { createSharedSubscribe } from './shared-subscribe.js';
import { storableTextPlugin } from './storable-text.js';
import { MAX_WS_MESSAGE_BYTES, SubscriptionLimits } from './subscription-limits.js';

// Requests larger than this are refused before parsing (manifests are the largest input).
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * GraphQL over HTTP (Apollo) and over WebSocket (graphql-ws, graphql-transport-ws)
 * at the same path. Both authenticate with the same bearer token.
 */
export async function mountGraphQL(options: {
  schema: GraphQLSchema;
  httpServer: Server;
  services: Services;
  /** Fresh DataLoaders for one request (or one operation over WebSocket). */
  createLoaders: () => Loaders;
  logger: Logger;
  metrics: Metrics;
  /** See CYCLONE_TRUST_PROXY. */
  trustProxyHops?: number;
  /** The session cookie is `Secure` (CYCLONE_PUBLIC_URL is https). */
  secureCookies?: boolean;
  /** Answers of queries kept until the data changes (docs/api.md "Query cache"). */
  queryCache?: { generations: DataVersion; options: QueryCacheOptions };
  /** Identity changes (the `auth` data version): live connections re-check their credential after each. */
  authGenerations?: DataGenerations;
  /** What every HTTP response gets (request id, metrics), for answers served before Express. */
  beforeAnswer: (req: IncomingMessage, res: ServerResponse) => void;
}): Promise<{ router: Router; front?: QueryCacheFront; stop: () => Promise<void> }> {
  const { schema, httpServer, services, createLoaders, logger, metrics } = options;
  const queryCache =
    options.queryCache && new QueryCache(options.queryCache.generations, options.queryCache.options, metrics.registry);
  const trustProxyHops = options.trustProxyHops ?? 0;
  const logInternal = (error: unknown) => logger.error({ err: error }, 'unexpected error in a GraphQL operation');
  const logBusy = (error: unknown) =>
    logger.warn({ err: error }, 'no database connection in time: the request was answered "try again"');

  // Operations compiled once, for HTTP and for subscription events alike.
  const operations = new CompiledOperations(schema);
  // Larger messages close the connection (1009): nobody needs more for a subscription.
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: MAX_WS_MESSAGE_BYTES });
  const limits = new SubscriptionLimits();
  // A signed-out session, a revoked token or a disabled user ends the connection's subscriptions.
  const authWatch = new ConnectionAuthWatch({
    authenticate: (authorization) => services.identity.authenticate(authorization),
    generations: options.authGenerations,
    logger,
  });
  const ws = useServer<
    Record<string, unknown>,
    { user?: GraphQLContext['user']; credential?: GraphQLContext['credential'] }
  >(
    {
      schema,
      subscribe: createSharedSubscribe(
        (context) => (context as GraphQLContext).user?.id,
        // Log lines: no field of LogLine depends on who reads it.
        new Set(['workflowRunLogs', 'workflowRunLogBatches']),
        operations,
      ),
      onConnect: async (ctx) => {
        try {
          const header = ctx.connectionParams?.authorization;
          // The web sends none: its session cookie came with the upgrade request.
          const authorization = typeof header === 'string' ? header : authorizationOf(ctx.extra.request);
          const found = await services.identity.authenticateCredential(authorization);
          ctx.extra.user = found?.user;
          ctx.extra.credential = found?.credential;
          limits.opened(ctx.extra.user?.id, ctx);
          if (authorization && found) {
            const socket = ctx.extra.socket;
            authWatch.add(ctx, { authorization, close: (code, reason) => socket.close(code, reason) });
          }
          return true;
        } catch (error) {
          if (error instanceof AppError) return false; // closes with 4403 Forbidden
          throw error;
        }
      },
      onClose: (ctx) => {
        authWatch.remove(ctx);
        limits.closed(ctx.extra.user?.id, ctx);
      },
      // Open operations per connection and user, then the same depth and cost limits as
      // over HTTP; errors returned here reach the client.
      onSubscribe: (ctx, _id, payload) => limits.check(ctx.extra.user?.id, ctx) ?? checkLimits(schema, payload),
      context: (ctx): GraphQLContext => ({
        user: ctx.extra.user,
        credential: ctx.extra.credential,
        services,
        loaders: createLoaders(),
        logger: logger.child({ transport: 'ws' }),
        requestId: 'ws',
        clientIp: clientIpOf(ctx.extra.request, trustProxyHops),
      }),
      // graphql-ws does not run Apollo's formatError; apply the same mapping here.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e, logInternal, logBusy)) }
          : result,
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e, logInternal, logBusy)),
    },
    wsServer,
  );

  const apollo = new ApolloServer<GraphQLContext>({
    gateway: compiledExecution(operations),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatError(formatted, error, logInternal, logBusy),
    validationRules: [depthLimitRule()],
    // Compact JSON: Apollo pretty-prints by default, which costs time and bytes on big lists.
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // No cache hints are used; the default cache-control plugin would wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              authWatch.stop();
              await ws.dispose();
            },
          };
        },
      },
      observabilityPlugin(metrics),
      costLimitPlugin(schema),
      storableTextPlugin(),
      queryCachePlugin({
        uncacheable: new UncacheableFields(schema),
        onMutation: (rootFields) =>
          options.queryCache?.generations.bump(mayChangeCredentials(rootFields) ? 'auth' : 'data'),
      }),
    ],
  });
  await apollo.start();

  const router = express.Router();
  router.use(
    '/graphql',
    express.json({ limit: MAX_BODY_BYTES }),
    queryCacheFastPath({
      cache: queryCache,
      authenticate: (authorization) => authenticateOrExplain(services, authorization),
    }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<GraphQLContext> => {
        const requestId = String(res.locals.requestId);
        // Authenticated once per request, by the fast path in front.
        const { user, credential, authError } =
          (res.locals.auth as RequestAuth | undefined) ??
          (await authenticateOrExplain(services, req.headers.authorization));
        return {
          user,
          credential,
          authError,
          services,
          loaders: createLoaders(),
          logger: logger.child({ requestId }),
          requestId,
          clientIp: clientIpOf(req, trustProxyHops),
          userAgent: req.headers['user-agent'],
          sessionCookie: sessionCookieOf(res, options.secureCookies ?? false),
          queryCache: res.locals.queryCache,
        };
      },
    }),
    graphqlBodyErrors,
  );
  return {
    router,
    front:
      queryCache &&
      queryCacheFront({
        cache: queryCache,
        maxBodyBytes: MAX_BODY_BYTES,
        authenticate: (authorization) => authenticateOrExplain(services, authorization),
        beforeAnswer: options.beforeAnswer,
      }),
    stop: () => apollo.stop(),
  };
}

/** A bad token does not fail the request: operations that need a user report why. */
async function authenticateOrExplain(services: Services, authorization: string | undefined): Promise<RequestAuth> {
  try {
    const found = await services.identity.authenticateCredential(authorization);
    return { user: found?.user, credential: found?.credential };
  } catch (error) {
    if (error instanceof AppError) return { user: undefined, authError: error };
    throw error;
  }
}

function checkLimits(
  schema: GraphQLSchema,
  payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null },
): readonly GraphQLError[] | undefined {
  try {
    const document = parse(payload.query);
    const errors = validate(schema, document, [...specifiedRules, depthLimitRule()]);
    if (errors.length > 0) return errors;
    assertAffordable(operationCost(schema, document, payload.variables ?? {}, payload.operationName ?? undefined));
    return undefined;
  } catch (error) {
    if (error instanceof GraphQLError) return [error];
    throw error;
  }
}
