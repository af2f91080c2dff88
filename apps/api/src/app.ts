import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from './config/config.js';
import { type Controller, startController } from './controller/controller.js';
import { CronReconciler } from './controller/cron-reconciler.js';
import type { Executor } from './controller/executors/executor.js';
import { HostExecutor } from './controller/executors/host-executor.js';
import { describeIsolation } from './controller/executors/host-isolation.js';
import { startKubernetesExecutor } from './controller/executors/kubernetes/start-kubernetes-executor.js';
import { detectHostIsolation } from './controller/executors/sandbox.js';
import { NotificationReconciler } from './controller/notification-reconciler.js';
import { RetentionReconciler } from './controller/retention-reconciler.js';
import { RunReconciler } from './controller/run-reconciler.js';
import { WakeListener } from './controller/wake-listener.js';
import { type Database, openDatabase } from './db/database.js';
import { createPrismaClient, type Db } from './db/prisma.js';
import { DataVersion } from './graphql/query-cache/data-version.js';
import type { QueryCacheFront } from './graphql/query-cache/query-cache-http.js';
import { buildGraphQLSchema } from './graphql/schema.js';
import { mountGraphQL } from './graphql/server.js';
import { healthHandler } from './http/health.js';
import { createMetrics } from './http/metrics.js';
import { requestId, requestIdFor } from './http/request-id.js';
import { runDownloadsRouter } from './http/run-downloads.js';
import { stageArtifactsRouter } from './http/stage-artifacts.js';
import { stageIngestRouter } from './http/stage-ingest.js';
import { webhooksRouter } from './http/webhooks-route.js';
import type { Logger } from './logging/logger.js';
import { deleteRunData } from './modules/runs/run-data.js';
import { seedBuiltinTemplates } from './modules/templates/builtin-seed.js';
import { type KubernetesSync, startKubernetesSync } from './reconciler/start-kubernetes.js';
import { createServices } from './services.js';

/** Connections of the engine's own pool (run passes — 6 at once —, stage exits, log batches). */
const ENGINE_CONNECTIONS = 12;

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
  let wakeRuns: (runId?: string) => void = () => {};
  // Serving roles cache authentications and query answers until the data changes.
  const hasServer = config.server.role !== 'controller';
  const dataVersion = hasServer ? new DataVersion({ databaseUrl: database.url, logger }) : undefined;
  const services = createServices(database.db, config, logger, {
    onRunChanged: (runId) => wakeRuns(runId),
    databaseUrl: database.url,
    dataVersion,
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
  // Cached GraphQL answers are served in front of Express once mounted (docs/api.md).
  let front: QueryCacheFront | undefined;
  const httpServer = createServer((req, res) => (front ? front(req, res, () => app(req, res)) : app(req, res)));
  let isReady = false;
  /** How stages run here, for /healthz (and the web's banner): set by controller roles. */
  let executorDetails: Record<string, unknown> | undefined;

  app.use(requestId);
  app.use((req, res, next) => {
    res.on('finish', () =>
      metrics.httpRequests.inc({ method: req.method, route: routeLabel(req.path), status: res.statusCode }),
    );
    next();
  });
  app.get(
    '/healthz',
    healthHandler(
      database.db,
      () => isReady,
      () => executorDetails,
    ),
  );
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const graphql = hasServer
    ? await mountGraphQL({
        schema: await buildGraphQLSchema(),
        httpServer,
        services,
        db: database.db,
        logger,
        metrics,
        trustProxyHops: config.server.trustProxyHops,
        databaseUrl: database.url,
        queryCache: dataVersion && { generations: dataVersion, options: config.queryCache },
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
  if (hasServer) app.use(webhooksRouter(services.webhooks, logger));
  if (graphql) app.use(graphql.router);
  if (hasServer) app.use(runDownloadsRouter(services, logger));
  // Logs and outputs from stage pods (Kubernetes executor), with per-attempt stage tokens.
  if (hasServer) app.use(stageIngestRouter({ db: database.db, box: services.secretBox, logger }));
  if (hasServer) {
    app.use(
      stageArtifactsRouter({
        db: database.db,
        box: services.secretBox,
        logger,
        store: services.artifactStore,
        maxBytes: config.engine.artifactMaxBytes,
      }),
    );
  }

  let executor: Executor | undefined;
  let engineDb: Db | undefined;
  let controller: Controller | undefined;
  let wakeListener: WakeListener | undefined;
  let kubernetesSync: KubernetesSync | undefined;
  if (config.server.role !== 'server') {
    let reconciler: RunReconciler | undefined;
    // The engine's own connections: a burst of API requests queued for the shared
    // pool must not hold up run passes, stage exits and log batches.
    engineDb = createPrismaClient(database.url, { maxConnections: ENGINE_CONNECTIONS });
    // Stages run on this machine unless a cluster runs them: decide (and say) how they are isolated.
    const isolation = config.kubernetes
      ? undefined
      : await detectHostIsolation({
          host: config.server.host,
          executor: config.engine.executor,
          dataDir: config.database.dataDir,
          logger: logger.child({ component: 'host-executor' }),
        });
    executorDetails = isolation ? describeIsolation(isolation) : { kind: 'kubernetes' };
    const localExecutor = new HostExecutor({
      db: engineDb,
      logger,
      dataDir: config.database.dataDir,
      store: services.artifactStore,
      isolation,
      onExit: (exit) => (reconciler as RunReconciler).recordExit(exit),
    });
    // With a cluster configured stages run as pods; the local executor then only names
    // the (empty) local workspaces that retention removes.
    executor = config.kubernetes
      ? startKubernetesExecutor({
          config: config.kubernetes,
          db: engineDb,
          logger,
          box: services.secretBox,
          onExit: (exit) => (reconciler as RunReconciler).recordExit(exit),
        })
      : localExecutor;
    const runExecutor = localExecutor;
    const retention = new RetentionReconciler({
      db: database.db,
      logger,
      keep: config.engine.runRetention,
      deleteRunData: (runId) =>
        deleteRunData(runId, {
          workspaceOf: (id) => runExecutor.workspaceOf(id),
          pullsOf: (id) => runExecutor.pullsOf(id),
          artifacts: runExecutor.store,
        }),
    });
    reconciler = new RunReconciler({
      db: engineDb,
      logger,
      executor,
      box: services.secretBox,
      maxActiveRuns: config.engine.maxActiveRuns,
      fullPassMs: config.engine.resyncMs,
      onRunFinished: () => retention.wake(),
    });
    wakeRuns = (runId) => reconciler.wake(runId);
    // Runs created or steered by other processes (role server) wake this controller at once.
    wakeListener = new WakeListener({ databaseUrl: database.url, logger, onWake: (runId) => wakeRuns(runId) });
    wakeListener.start();
    const cron = new CronReconciler({ db: database.db, logger, onRunCreated: () => reconciler.wake() });
    const webhookLoops = services.webhooks.createReconcilers();
    const notifications = new NotificationReconciler({
      db: database.db,
      logger,
      box: services.secretBox,
      settings: {
        timeoutMs: config.integrations.notifyTimeoutMs,
        maxAttempts: config.integrations.notifyMaxAttempts,
        publicUrl: config.publicUrl,
      },
    });
    controller = startController([reconciler, cron, retention, ...webhookLoops, notifications], {
      intervalMs: config.engine.resyncMs,
      logger,
    });
    // Only with a cluster configured: mirror the database into it (leader only).
    if (config.kubernetes) {
      kubernetesSync = startKubernetesSync({
        config: config.kubernetes,
        db: database.db,
        logger,
        box: services.secretBox,
      });
    }
  }

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
      await wakeListener?.close();
      await controller?.stop();
      await kubernetesSync?.stop();
      await executor?.shutdown();
      await engineDb?.$disconnect();
      await services.runEvents.close();
      await services.runs.close();
      // Apollo's drain plugin closes the HTTP server and the WebSocket server.
      if (graphql) await graphql.stop();
      else await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await dataVersion?.close();
      await database.close();
    },
  };
}

function routeLabel(path: string): string {
  return ['/graphql', '/healthz', '/metrics'].includes(path) ? path : 'other';
}
