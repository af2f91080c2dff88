import type { Request, Response } from 'express';
import type { Db } from '../db/prisma.js';

/** 200 once the database answers and the process finished starting; 503 otherwise. */
export function healthHandler(db: Db, isReady: () => boolean) {
  return async (_req: Request, res: Response) => {
    if (!isReady()) {
      res.status(503).json({ status: 'starting' });
      return;
    }
    try {
      await db.$queryRaw`SELECT 1`;
      res.json({ status: 'ok' });
    } catch (error) {
      res.status(503).json({ status: 'database unavailable', error: (error as Error).message });
    }
  };
}
