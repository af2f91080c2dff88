import type { Config } from '../config/config.js';
import { CHANNELS, type NotificationHub } from '../db/notification-hub.js';
import { createPlainSql } from '../db/plain-sql.js';
import { createPrismaClient, type Db } from '../db/prisma.js';
import { type KubernetesSync, startKubernetesSync } from '../kube-sync/start-kubernetes.js';
import type { Logger } from '../logging/logger.js';
import { recordEngineStatus } from '../modules/engine/engine-status.repository.js';
import { deleteRunData } from '../modules/runs/run-data.js';
import type { Metrics } from '../observability/instruments.js';
import type { Services } from '../services.js';
import { createWebhookReconcilers } from './commit-status-reconciler.js';
import { type Controller, startController } from './controller.js';
import { CronReconciler } from './cron-reconciler.js';
import { tellStoredBatches } from './executors/log-batch-store.js';
import { type ExecutorStatus, startExecutor } from './executors/start-executor.js';
import { NotificationReconciler } from './notification-reconciler.js';
import { RetentionReconciler } from './retention-reconciler.js';
import { RunReconciler } from './run-reconciler.js';

/** Connections of each of the engine's own pools (plain pg: run passes — 6 at once —, stage exits; Prisma: the executors'). */
const ENGINE_CONNECTIONS = 12;
/** Waiting for a pooled connection under load is better than failing a pass or an exit. */
const ENGINE_CONNECT_WAIT_MS = 10_000;
/** A pass or exit whose transaction sits idle this long is ended by Postgres, its run's lock released. */
const ENGINE_IDLE_IN_TRANSACTION_MS = 30_000;
/** Connections for stored log lines: one batch per stage at a time, many stages share them. */
const LOG_CONNECTIONS = 6;

export interface Engine {
  /** The executor that runs stages, and why it was chosen. */
  readonly executorStatus: ExecutorStatus;
  /** Whether this process leads the controllers: the Kubernetes lease's holder, or always without a cluster. */
  isLeader(): boolean;
  /** Asks for a pass over one run at once (or over all of them). */
  wake(runId?: string): void;
  stop(): Promise<void>;
}

/**
 * The controller side of a process (roles `controller` and `all`), wired in one
 * place: the executor, the run reconciler and the other loops, and the Kubernetes
 * mirror when a cluster is configured. Runs created or steered by any process wake
 * it through the hub's controller channel (the one path: mutations only write and
 * notify); the periodic passes are the safety net. docs/architecture.md walks a run
 * through it.
 */
export async function startEngine(deps: {
  config: Config;
  /** The API's pool (loops that are not on the run path). */
  db: Db;
  databaseUrl: string;
  hub: NotificationHub;
  services: Services;
  logger: Logger;
  /** The process's instruments: the run reconciler counts runs and stages. */
  metrics?: Metrics;
}): Promise<Engine> {
  const { config, db, hub, services, logger } = deps;
  // The engine's own connections: a burst of API requests queued for the shared
  // pool must not hold up run passes, stage exits and log batches.
  const engineDb = createPrismaClient(deps.databaseUrl, { maxConnections: ENGINE_CONNECTIONS });
  // Both run a few fixed statements very often: prepared once per connection.
  const engineSql = createPlainSql(deps.databaseUrl, ENGINE_CONNECTIONS, {
    connectWaitMs: ENGINE_CONNECT_WAIT_MS,
    idleInTransactionMs: ENGINE_IDLE_IN_TRANSACTION_MS,
    prepared: true,
  });
  const logSql = createPlainSql(deps.databaseUrl, LOG_CONNECTIONS, { prepared: true });
  // This process's log followers get its stored batches without reading them back.
  tellStoredBatches(logSql, services.runEvents);
  let reconciler: RunReconciler | undefined;
  const { executor, status, workspaceOf, pullsOf } = await startExecutor({
    config,
    db: engineDb,
    sql: logSql,
    logger,
    box: services.secretBox,
    store: services.artifactStore,
    onExit: (exit) => (reconciler as RunReconciler).recordExit(exit),
  });
  await recordEngineStatus(db, { executor: status.kind, ...status });
  const retention = new RetentionReconciler({
    db,
    logger,
    keep: config.engine.runRetention,
    deleteRunData: (runId) => deleteRunData(runId, { workspaceOf, pullsOf, artifacts: services.artifactStore }),
  });
  const runs = new RunReconciler({
    sql: engineSql,
    logger,
    executor,
    box: services.secretBox,
    maxActiveRuns: config.engine.maxActiveRuns,
    resyncMs: config.engine.resyncMs,
    onRunFinished: (runId) => retention.runFinished(runId),
    metrics: deps.metrics,
    executorKind: status.kind,
    delegations: { publicUrl: config.publicUrl },
  });
  reconciler = runs;
  const unsubscribe = [
    hub.on(CHANNELS.controller, (runId) => runs.wake(runId || undefined)),
    // Whatever was announced while not listening is found by a full pass.
    hub.onListening(() => runs.wake()),
  ];
  await hub.start();
  const cron = new CronReconciler({ db, logger, onRunCreated: () => runs.wake() });
  const notifications = new NotificationReconciler({
    db,
    logger,
    box: services.secretBox,
    settings: {
      timeoutMs: config.integrations.notifyTimeoutMs,
      maxAttempts: config.integrations.notifyMaxAttempts,
      publicUrl: config.publicUrl,
    },
  });
  const controller: Controller = startController(
    [
      runs,
      cron,
      retention,
      ...createWebhookReconcilers(services.webhooks, {
        db,
        logger,
        box: services.secretBox,
        publicUrl: config.publicUrl,
      }),
      notifications,
    ],
    { intervalMs: config.engine.resyncMs, logger },
  );
  // Only with a cluster configured: mirror the database into it (leader only).
  const kubernetesSync: KubernetesSync | undefined = config.kubernetes
    ? startKubernetesSync({
        config: config.kubernetes,
        db,
        logger,
        box: services.secretBox,
        manifests: services.manifests,
        deleters: services,
        hub,
      })
    : undefined;
  return {
    executorStatus: status,
    isLeader: () => kubernetesSync?.elector.isLeader() ?? true,
    wake: (runId) => runs.wake(runId),
    stop: async () => {
      for (const stop of unsubscribe) stop();
      await controller.stop();
      await kubernetesSync?.stop();
      await executor.shutdown();
      await engineDb.$disconnect();
      await engineSql.close();
      await logSql.close();
    },
  };
}
