import type { Request, Response } from 'express';
import type { ExecutorStatus } from '../controller/executors/start-executor.js';

/**
 * 200 once the database answers (`ping` resolves) and the process finished starting;
 * 503 otherwise. Controller roles also say which executor runs stages (and why).
 */
export function healthHandler(
  ping: () => Promise<unknown>,
  isReady: () => boolean,
  executor: () => ExecutorStatus | undefined,
) {
  return async (_req: Request, res: Response) => {
    if (!isReady()) {
      res.status(503).json({ status: 'starting' });
      return;
    }
    try {
      await ping();
      res.json({ status: 'ok', ...(executor() ? { executor: executor() } : {}) });
    } catch (error) {
      res.status(503).json({ status: 'database unavailable', error: (error as Error).message });
    }
  };
}
