import express, { Router } from 'express';
import type { Logger } from '../logging/logger.js';
import type { DelegationsService } from '../modules/runs/delegations.service.js';

/** A callback's body: a phase, some outputs and a message. */
const MAX_CALLBACK_BODY = '1mb';

/**
 * POST /delegations/<token>: the external system a delegated stage handed its work to
 * ends the stage's attempt with `{"phase": "SUCCEEDED" | "FAILED", "outputs": [{"key",
 * "value"}], "message"}`. The token is the credential (no session); it works once.
 */
export function delegationsRouter(delegations: DelegationsService, logger: Logger): Router {
  const router = Router();
  router.post('/delegations/:token', express.json({ limit: MAX_CALLBACK_BODY, type: () => true }), async (req, res) => {
    try {
      const answer = await delegations.callback(req.params.token as string, req.body);
      res.status(answer.status).json(answer.body);
    } catch (error) {
      logger.error({ err: error }, 'delegation callback failed');
      if (!res.headersSent) res.status(500).json({ outcome: 'ERROR', reason: 'internal error; retry later' });
    }
  });
  // A body that is no JSON, or too large: said in the same shape.
  router.use('/delegations', ((error, _req, res, next) => {
    if (!error) return next();
    const status = (error as { status?: number }).status ?? 400;
    res
      .status(status)
      .json({ outcome: 'REFUSED', reason: status === 413 ? 'the body is too large' : 'the body is not JSON' });
  }) as express.ErrorRequestHandler);
  return router;
}
