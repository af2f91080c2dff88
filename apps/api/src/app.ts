import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from './config/config.js';
import { type Controller, startController } from './controller/controller.js';
import { LocalExecutor } from './controller/executors/local-executor.js';
import { RunReconciler } from './controller/run-reconciler.js';
import { type Database, openDatabase } from './db/database.js';
import { buildGraphQLSchema } from './graphql/schema.js';
import { mountGraphQL } from './graphql/server.js';
import { healthHandler } from './http/health.js';
import { createMetrics } from './http/metrics.js';
import { requestId } from './http/request-id.js';
import type { Logger } from './logging/logger.js';
import { seedBuiltinTemplates } from './modules/templates/builtin-seed.js';
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
export async function startApi(config: Config, logger: Logger): Promise<RunningApi> {
  const database = await openDatabase(config.database, logger);
  try {
    return await startOnDatabase(config, logger, database);
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function startOnDatabase(config: Config, logger: Logger, database: Database): Promise<RunningApi> {
  // The run reconciler exists only in controller roles; mutations wake it when it does.
  let wakeRuns = () => {};
  const services = createServices(database.db, config, logger, {
    onRunChanged: () => wakeRuns(),
    databaseUrl: database.url,
  });
  await services.identity.seedAdmin(
    config.identity.adminEmail,
    config.identity.adminPassword,
    config.identity.isDefaultAdminPassword,
  );
  await seedBuiltinTemplates(database.db, logger);

  const metrics = createMetrics();
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  let isReady = false;

  app.use(requestId);
  app.use((req, res, next) => {
    res.on('finish', () =>
      metrics.httpRequests.inc({ method: req.method, route: routeLabel(req.path), status: res.statusCode }),
    );
    next();
  });
  app.get(
    '/healthz',
    healthHandler(database.db, () => isReady),
  );
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const hasServer = config.server.role !== 'controller';
  const graphql = hasServer
    ? await mountGraphQL({
        schema: await buildGraphQLSchema(),
        httpServer,
        services,
        db: database.db,
        logger,
        metrics,
        trustProxyHops: config.server.trustProxyHops,
      })
    : undefined;
  if (graphql) app.use(graphql.router);

  let executor: LocalExecutor | undefined;
  let controller: Controller | undefined;
  if (config.server.role !== 'server') {
    let reconciler: RunReconciler | undefined;
    executor = new LocalExecutor({
      db: database.db,
      logger,
      dataDir: config.database.dataDir,
      onExit: (exit) => (reconciler as RunReconciler).recordExit(exit),
    });
    reconciler = new RunReconciler({ db: database.db, logger, executor });
    wakeRuns = () => reconciler.wake();
    controller = startController([reconciler], { intervalMs: 5_000, logger });
  }

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
      await controller?.stop();
      await executor?.shutdown();
      await services.runEvents.close();
      // Apollo's drain plugin closes the HTTP server and the WebSocket server.
      if (graphql) await graphql.stop();
      else await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await database.close();
    },
  };
}

function routeLabel(path: string): string {
  return ['/graphql', '/healthz', '/metrics'].includes(path) ? path : 'other';
}
