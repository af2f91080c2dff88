import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Metrics } from '../observability/instruments.js';

/**
 * GET /metrics. With a token (CYCLONE_METRICS_TOKEN) the scraper must send
 * `Authorization: Bearer <token>`; anything else gets 401 and no metrics.
 */
export function metricsHandler(metrics: Metrics, token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return async (req: Request, res: Response) => {
    if (expected) {
      const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization?.trim() ?? '')?.[1];
      if (!presented || !timingSafeEqual(digest(presented), expected)) {
        res
          .status(401)
          .set('WWW-Authenticate', 'Bearer realm="metrics"')
          .type('text/plain')
          .send('metrics need Authorization: Bearer <CYCLONE_METRICS_TOKEN>\n');
        return;
      }
    }
    res.type(metrics.registry.contentType).send(await metrics.exposition());
  };
}

/** Compared as SHA-256 digests: equal lengths for timingSafeEqual, whatever was sent. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
