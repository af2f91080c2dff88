import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { isLoopbackHost } from './config/address-syntax.js';
import type { Config } from './config/config.js';
import { AttemptHttpPushes } from './controller/attempt-http-push.js';
import { type Engine, startEngine } from './controller/engine.js';
import { DataVersion } from './db/data-version.js';
import { type Database, openDatabase } from './db/database.js';
import { defaultMigrationsDir, missingMigrations } from './db/migrate.js';
import { NotificationHub } from './db/notification-hub.js';
import { createPlainSql } from './db/plain-sql.js';
import { appliedMigrations, pingDatabase } from './db/prisma.js';
import { StartupError } from './errors/startup-error.js';
import type { QueryCacheFront } from './graphql/query-cache/query-cache-http.js';
import { buildGraphQLSchema } from './graphql/schema.js';
import { mountGraphQL } from './graphql/server.js';
import { delegationsRouter } from './http/delegations-route.js';
import { healthHandler, livenessHandler, readinessHandler } from './http/health.js';
import { metricsHandler } from './http/metrics.js';
import { requestId, requestIdFor } from './http/request-id.js';
import { runDownloadsRouter } from './http/run-downloads.js';
import { adoptSessionCookie } from './http/session-cookie.js';
import { stageArtifactsRouter } from './http/stage-artifacts.js';
import { stageCachesRouter } from './http/stage-caches-route.js';
import { stageIngestRouter } from './http/stage-ingest.js';
import { stageResourcesRouter } from './http/stage-resources-route.js';
import { webhooksRouter } from './http/webhooks-route.js';
import type { Logger } from './logging/logger.js';
import { createLoaders } from './modules/loaders.js';
import { createOutboundPolicy, installOutboundPolicy, type Resolver } from './modules/outbound/outbound-policy.js';
import { sealPlainSecretParameters } from './modules/resources/resources.repository.js';
import { readTenantRunCounts } from './modules/runs/run-counts.js';
import { configureRunQueue } from './modules/runs/run-create.js';
import { seedBuiltinTemplates } from './modules/templates/builtin-seed.js';
import { createMetrics, trackGauges } from './observability/instruments.js';
import { createServices } from './services.js';

export interface RunningApi {
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:4000 */
  url: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts one API process in its role: `server` serves GraphQL, `controller` runs
 * the reconcile loops, `all` does both. Every role serves /healthz and /metrics.
 */
export async function startApi(
  config: Config,
  logger: Logger,
  options: { /** Name resolution of outbound calls (tests point names at addresses). */ resolve?: Resolver } = {},
): Promise<RunningApi> {
  installOutboundPolicy(createOutboundPolicy(config.outbound, options.resolve));
  configureRunQueue(config.engine);
  const database = await openDatabase(config.database, logger);
  try {
    return await startOnDatabase(config, logger, database);
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function startOnDatabase(config: Config, logger: Logger, database: Database): Promise<RunningApi> {
  // The process's one LISTEN connection: run subscriptions, query caches and the engine's wake-ups.
  const hub = new NotificationHub({ databaseUrl: database.url, logger });
  // Serving roles cache authentications and query answers until the data changes.
  const hasServer = config.server.role !== 'controller';
  const dataVersion = hasServer ? new DataVersion(hub) : undefined;
  // The hottest reads (project pages, run lists, followed logs) use plain pg on a pool of
  // their own (see PlainSql), their few statement texts prepared once per connection.
  const plainSql = createPlainSql(database.url, 4, { prepared: true });
  const services = createServices(database.db, config, logger, {
    hub,
    databaseUrl: database.url,
    dataVersion,
    plainSql,
  });
  // Controller roles only (set once it started; /healthz tells its executor).
  let engine: Engine | undefined;
  const admin = await services.identity.seedAdmin(config.identity.adminEmail, config.identity.adminPassword);
  if (hasServer && admin.hasDefaultPassword && !isLoopbackHost(config.server.host)) {
    throw new StartupError(
      `The administrator ${config.identity.adminEmail} still has the default password and HOST ${config.server.host} is not a loopback address, so anyone who can reach it could sign in: set CYCLONE_ADMIN_PASSWORD to a password of your own (it replaces the default at start), or change the password while listening on 127.0.0.1.`,
    );
  }
  await seedBuiltinTemplates(database.db, logger);
  const sealedResources = await sealPlainSecretParameters(database.db, services.secretBox);
  if (sealedResources > 0)
    logger.info({ resources: sealedResources }, 'sealed secret resource parameters stored in the clear');

  const metrics = createMetrics();
  const app = express();
  app.disable('x-powered-by');
  // Cached GraphQL answers are served in front of Express once mounted (docs/api.md).
  let front: QueryCacheFront | undefined;
  const httpServer = createServer((req, res) => {
    // The web's session cookie becomes the request's credential before anyone reads it.
    adoptSessionCookie(req);
    return front ? front(req, res, () => app(req, res)) : app(req, res);
  });
  let isReady = false;

  app.use(requestId);
  app.use((req, res, next) => {
    // Read now: a router mounted on a path (Apollo on /graphql) rewrites req.url before the finish.
    const route = routeLabel(req.path);
    res.on('finish', () => metrics.httpRequests.inc({ method: req.method, route, status: res.statusCode }));
    next();
  });
  app.get(
    '/healthz',
    healthHandler(
      () => pingDatabase(database.db),
      () => isReady,
      () => engine?.executorStatus,
      (error) => logger.warn({ err: error }, 'health check: the database did not answer'),
    ),
  );
  app.get('/livez', livenessHandler());
  const migrationsDir = config.database.migrationsDir ?? defaultMigrationsDir();
  app.get(
    '/readyz',
    readinessHandler(
      {
        isStarted: () => isReady,
        ping: () => pingDatabase(database.db),
        missingMigrations: () => missingMigrations(() => appliedMigrations(database.db), migrationsDir),
        isEngineStarted: config.server.role === 'server' ? undefined : () => engine !== undefined,
      },
      (error) => logger.warn({ err: error }, 'readiness check: the database did not answer'),
    ),
  );
  app.get('/metrics', metricsHandler(metrics, config.server.metricsToken));

  const graphql = hasServer
    ? await mountGraphQL({
        schema: await buildGraphQLSchema(),
        httpServer,
        services,
        createLoaders: () => createLoaders(database.db, plainSql),
        logger,
        metrics,
        trustProxyHops: config.server.trustProxyHops,
        secureCookies: config.publicUrl.startsWith('https:'),
        queryCache: dataVersion && { generations: dataVersion, options: config.queryCache },
        authGenerations: dataVersion,
        beforeAnswer: (req, res) => {
          res.setHeader('X-Request-Id', requestIdFor(req.headers['x-request-id']));
          res.once('finish', () =>
            metrics.httpRequests.inc({ method: 'POST', route: '/graphql', status: res.statusCode }),
          );
        },
      })
    : undefined;
  front = graphql?.front;
  // Before any body parser: webhook signatures are checked over the raw body.
  if (hasServer) app.use(webhooksRouter(services.webhooks, logger, metrics));
  if (hasServer) app.use(delegationsRouter(services.delegations, logger));
  if (graphql) app.use(graphql.router);
  if (hasServer) app.use(runDownloadsRouter(services, logger));
  // Logs and outputs from stage pods (Kubernetes executor), with per-attempt stage tokens.
  if (hasServer)
    app.use(
      stageIngestRouter({
        stages: services.stageIngest,
        box: services.secretBox,
        logger,
        limits: config.engine.outputLimits,
      }),
    );
  if (hasServer) {
    app.use(
      stageArtifactsRouter({
        stages: services.stageIngest,
        box: services.secretBox,
        logger,
        store: services.artifactStore,
        maxBytes: config.engine.artifactMaxBytes,
      }),
    );
    app.use(
      stageResourcesRouter({
        pushes: new AttemptHttpPushes({ db: database.db, box: services.secretBox }),
        stages: services.stageIngest,
        box: services.secretBox,
        logger,
        maxBytes: config.engine.artifactMaxBytes,
      }),
    );
    app.use(
      stageCachesRouter({
        caches: services.caches,
        stages: services.stageIngest,
        box: services.secretBox,
        logger,
        store: services.artifactStore,
        maxBytes: config.engine.cacheMaxBytes,
      }),
    );
  }

  if (config.server.role !== 'server') {
    engine = await startEngine({ config, db: database.db, databaseUrl: database.url, hub, services, logger, metrics });
  }
  trackGauges(metrics, {
    runCounts: () => readTenantRunCounts(database.db),
    isLeader: () => engine?.isLeader() ?? false,
    maxTenantLabels: config.server.metricsMaxTenantLabels,
  });

  // Caches stay bypassed until this listens (nothing is cached before).
  await dataVersion?.start();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.server.port, config.server.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  isReady = true;
  const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
  logger.info({ url, role: config.server.role, embeddedDatabase: database.isEmbedded }, 'cyclone api ready');

  return {
    url,
    databaseUrl: database.url,
    stop: async () => {
      isReady = false;
      await engine?.stop();
      services.runEvents.close();
      await services.runs.close();
      // Apollo's drain plugin closes the HTTP server and the WebSocket server.
      if (graphql) await graphql.stop();
      else await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await plainSql.close();
      dataVersion?.close();
      await hub.close();
      await database.close();
    },
  };
}

function routeLabel(path: string): string {
  return ['/graphql', '/healthz', '/livez', '/readyz', '/metrics'].includes(path) ? path : 'other';
}
