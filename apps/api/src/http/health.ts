import type { Request, Response } from 'express';

/** 200 once the database answers (`ping` resolves) and the process finished starting; 503 otherwise. */
export function healthHandler(ping: () => Promise<unknown>, isReady: () => boolean) {
  return async (_req: Request, res: Response) => {
    if (!isReady()) {
      res.status(503).json({ status: 'starting' });
      return;
    }
    try {
      await ping();
      res.json({ status: 'ok' });
    } catch (error) {
      res.status(503).json({ status: 'database unavailable', error: (error as Error).message });
    }
  };
}
