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
