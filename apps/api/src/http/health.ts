import type { Request, Response } from 'express';
import type { ExecutorStatus } from '../controller/executors/start-executor.js';

/**
 * 200 once the database answers (`ping` resolves) and the process finished starting;
 * 503 otherwise. Controller roles add `executor`: where stages run, why, and on the
 * host executor how they are isolated (`isolation: 'bubblewrap' | 'user' | 'none'`).
 */
export function healthHandler(
  ping: () => Promise<unknown>,
  isReady: () => boolean,
  executor: () => ExecutorStatus | undefined = () => undefined,
  /** Where the database's error goes: the log, never the answer (it may name hosts, users, databases). */
  onDatabaseError: (error: unknown) => void = () => {},
) {
  return async (_req: Request, res: Response) => {
    const details = executor() === undefined ? {} : { executor: executor() };
    if (!isReady()) {
      res.status(503).json({ status: 'starting', ...details });
      return;
    }
    try {
      await ping();
      res.json({ status: 'ok', ...details });
    } catch (error) {
      onDatabaseError(error);
      res.status(503).json({ status: 'database unavailable', ...details });
    }
  };
}

/** `/livez`: the process answers. Never looks at the database: an outage must not restart pods. */
export function livenessHandler() {
  return (_req: Request, res: Response) => {
    res.json({ status: 'alive' });
  };
}

export interface ReadinessChecks {
  /** Start finished (the HTTP server listens, the engine started on controller roles). */
  isStarted: () => boolean;
  /** Resolves when the database answers. */
  ping: () => Promise<unknown>;
  /** Migrations of this build the database has not applied (none: ready). */
  missingMigrations: () => Promise<string[]>;
  /** Controller roles: whether the engine runs; undefined on the server role. */
  isEngineStarted?: () => boolean;
}

/**
 * `/readyz`: 200 once started, the database answers, every migration this build knows
 * is applied and (controller roles) the engine runs; 503 with the failing checks
 * otherwise, so that an orchestrator stops sending traffic without restarting.
 */
export function readinessHandler(checks: ReadinessChecks, onDatabaseError: (error: unknown) => void = () => {}) {
  return async (_req: Request, res: Response) => {
    const started = checks.isStarted();
    const engine = checks.isEngineStarted?.();
    let database = false;
    let missing: string[] = [];
    try {
      await checks.ping();
      database = true;
      missing = await checks.missingMigrations();
    } catch (error) {
      onDatabaseError(error);
    }
    const result = {
      started,
      database,
      migrations: database && missing.length === 0,
      ...(engine === undefined ? {} : { engine }),
    };
    const isReady = Object.values(result).every(Boolean);
    res.status(isReady ? 200 : 503).json({
      status: isReady ? 'ready' : 'not ready',
      checks: result,
      ...(missing.length > 0 ? { missingMigrations: missing } : {}),
    });
  };
}
