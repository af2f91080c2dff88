import type { Request, Response } from 'express';
import type { ExecutorStatus } from '../controller/executors/start-executor.js';
import type { Db } from '../db/prisma.js';

/**
 * 200 once the database answers and the process finished starting; 503 otherwise.
 * Controller roles also say which executor runs stages (and why).
 */
export function healthHandler(db: Db, isReady: () => boolean, executor: () => ExecutorStatus | undefined) {
  return async (_req: Request, res: Response) => {
    if (!isReady()) {
      res.status(503).json({ status: 'starting' });
      return;
    }
    try {
      await db.$queryRaw`SELECT 1`;
      res.json({ status: 'ok', ...(executor() ? { executor: executor() } : {}) });
    } catch (error) {
      res.status(503).json({ status: 'database unavailable', error: (error as Error).message });
    }
  };
}
