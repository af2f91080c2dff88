import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  graphqlOperations: Histogram<'operation' | 'type' | 'outcome'>;
}

/** One registry per process; default Node metrics plus request counters. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cyclone_' });
  return {
    registry,
    httpRequests: new Counter({
      name: 'cyclone_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    graphqlOperations: new Histogram({
      name: 'cyclone_graphql_operation_seconds',
      help: 'GraphQL operation duration by operation name, type and outcome',
      labelNames: ['operation', 'type', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

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
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}

/** Compared as SHA-256 digests: equal lengths for timingSafeEqual, whatever was sent. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
