import type { Request, Response } from 'express';
import type { Db } from '../db/prisma.js';

/**
 * 200 once the database answers and the process finished starting; 503 otherwise.
 * Controller roles add `executor`: where stages run and, on this host, how they are
 * isolated (`{ kind: 'host', isolation: 'bubblewrap' | 'user' | 'none', … }`).
 */
export function healthHandler(db: Db, isReady: () => boolean, executor: () => unknown = () => undefined) {
  return async (_req: Request, res: Response) => {
    const details = executor() === undefined ? {} : { executor: executor() };
    if (!isReady()) {
      res.status(503).json({ status: 'starting', ...details });
      return;
    }
    try {
      await db.$queryRaw`SELECT 1`;
      res.json({ status: 'ok', ...details });
    } catch (error) {
      res.status(503).json({ status: 'database unavailable', error: (error as Error).message, ...details });
    }
  };
}
