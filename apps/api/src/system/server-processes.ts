import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../logging/logger.js';
import { serveClusterMetrics } from '../observability/cluster-metrics.js';

/** A worker that dies sooner than this after its start is started again only after a pause. */
const QUICK_DEATH_MS = 10_000;
const RESTART_PAUSE_MS = 2_000;

/**
 * The primary of CYCLONE_SERVER_PROCESSES server processes: forks them (each runs the
 * whole server, sharing the port: Node's cluster hands out connections round-robin), starts
 * again one that dies, merges their metrics for /metrics, and on SIGTERM or SIGINT passes
 * the signal on and exits once every worker has stopped. Cross-process state already lives
 * in Postgres (sessions, the query cache's data versions, run events through NOTIFY), so a
 * request may land on any of them.
 */
export function runServerProcesses(count: number, logger: Logger, graceMs: number): void {
  serveClusterMetrics();
  let isStopping = false;
  const startedAt = new Map<Worker, number>();
  const fork = () => startedAt.set(cluster.fork(), Date.now());

  cluster.on('exit', (worker, code, signal) => {
    const livedMs = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (isStopping) {
      if (startedAt.size === 0) {
        logger.info('every server process stopped');
        process.exit(0);
      }
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'a server process died; starting another');
    setTimeout(fork, livedMs < QUICK_DEATH_MS ? RESTART_PAUSE_MS : 0);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (isStopping) return;
    isStopping = true;
    logger.info({ signal, processes: startedAt.size }, 'stopping the server processes');
    for (const worker of startedAt.keys()) worker.process.kill('SIGTERM');
    // Each worker has its own grace; this one only outlasts them.
    setTimeout(() => {
      logger.error('server processes took too long to stop; exiting');
      process.exit(1);
    }, graceMs + 5_000).unref();
    if (startedAt.size === 0) process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  logger.info({ processes: count }, 'starting the server processes');
  for (let i = 0; i < count; i++) fork();
}
