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
