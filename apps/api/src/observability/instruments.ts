import cluster from 'node:cluster';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { clusterExposition } from './cluster-metrics.js';

/**
 * The process's Prometheus instruments, one registry per API process (docs/operations.md,
 * "Metrics"). Label values are always bounded: phases and outcomes are enums, operation
 * names come from the schema, routes from a fixed list, tenants only up to a configured
 * number of them.
 */
export interface Metrics {
  registry: Registry;
  /** The text a scrape gets: this registry, or every server process's (cluster-metrics.ts). */
  exposition(): Promise<string>;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  graphqlOperations: Histogram<'operation' | 'type' | 'outcome'>;
  runsStarted: Counter<'phase'>;
  runsFinished: Counter<'phase'>;
  runDuration: Histogram<'phase'>;
  runQueueWait: Histogram;
  stagesStarted: Counter<'phase'>;
  stagesFinished: Counter<'phase'>;
  stageDuration: Histogram<'phase'>;
  webhookDeliveries: Counter<'outcome'>;
  executorErrors: Counter<'executor'>;
}

/** From a second to a few hours: CI stages and runs. */
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400];

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Standard names (process_cpu_user_seconds_total, nodejs_heap_size_used_bytes, …): dashboards know them.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    // One server process of several: the primary merges all of them.
    exposition: cluster.isWorker ? clusterExposition(registry) : () => registry.metrics(),
    httpRequests: new Counter({
      name: 'cyclone_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    graphqlOperations: new Histogram({
      name: 'cyclone_graphql_operation_seconds',
      help: 'GraphQL operation duration by operation name, type and outcome',
      labelNames: ['operation', 'type', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    // Every run and stage counter carries `phase` (docs/contract.md): a start enters RUNNING.
    runsStarted: new Counter({
      name: 'cyclone_runs_started_total',
      help: 'Runs that started, by the phase they entered (RUNNING)',
      labelNames: ['phase'],
      registers,
    }),
    runsFinished: new Counter({
      name: 'cyclone_runs_finished_total',
      help: 'Runs that ended, by phase (SUCCEEDED, FAILED, CANCELLED)',
      labelNames: ['phase'],
      registers,
    }),
    runDuration: new Histogram({
      name: 'cyclone_run_duration_seconds',
      help: 'How long runs took from their start to their end, by phase',
      labelNames: ['phase'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    runQueueWait: new Histogram({
      name: 'cyclone_run_queue_wait_seconds',
      help: 'How long runs waited from their creation to their start (queue, approval)',
      buckets: [0.1, 0.5, ...DURATION_BUCKETS],
      registers,
    }),
    stagesStarted: new Counter({
      name: 'cyclone_stages_started_total',
      help: 'Stage attempts that started, by the phase they entered (RUNNING)',
      labelNames: ['phase'],
      registers,
    }),
    stagesFinished: new Counter({
      name: 'cyclone_stages_finished_total',
      help: 'Stages that ended an attempt or ended without running, by phase',
      labelNames: ['phase'],
      registers,
    }),
    stageDuration: new Histogram({
      name: 'cyclone_stage_duration_seconds',
      help: 'How long stage attempts ran, by phase',
      labelNames: ['phase'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'cyclone_webhook_deliveries_total',
      help: 'Webhook deliveries received, by outcome (ACCEPTED, IGNORED, REJECTED, NOT_FOUND)',
      labelNames: ['outcome'],
      registers,
    }),
    executorErrors: new Counter({
      name: 'cyclone_executor_errors_total',
      help: 'Stage attempts the executor could not start, by executor',
      labelNames: ['executor'],
      registers,
    }),
  };
}

/** Active and queued runs of one tenant. */
export interface TenantRunCounts {
  tenant: string;
  active: number;
  queued: number;
}

/**
 * Gauges read when scraped: active and queued runs per tenant, the tenant a label only
 * while the installation has at most `maxTenantLabels` tenants (else one series without
 * it: the sum), and whether this process leads the controllers.
 */
export function trackGauges(
  metrics: Metrics,
  sources: { runCounts: () => Promise<TenantRunCounts[]>; isLeader: () => boolean; maxTenantLabels: number },
): void {
  const registers = [metrics.registry];
  const perTenant = async () => {
    const counts = await sources.runCounts();
    if (counts.length <= sources.maxTenantLabels) return counts;
    const sum = (key: 'active' | 'queued') => counts.reduce((total, row) => total + row[key], 0);
    return [{ tenant: '', active: sum('active'), queued: sum('queued') }];
  };
  let pending: ReturnType<typeof perTenant> | undefined;
  // Both gauges are set from one query per scrape.
  const counts = () => {
    pending ??= perTenant().finally(() => {
      pending = undefined;
    });
    return pending;
  };
  for (const [name, key, help] of [
    ['cyclone_runs_active', 'active', 'Runs admitted and not ended, by tenant'],
    ['cyclone_runs_queued', 'queued', 'Runs waiting for a slot, by tenant'],
  ] as const) {
    new Gauge({
      name,
      help,
      labelNames: ['tenant'],
      registers,
      // Read from the database, so the same in every server process: never summed across them.
      aggregator: 'first',
      async collect() {
        this.reset();
        for (const row of await counts()) this.set({ tenant: row.tenant }, row[key]);
      },
    });
  }
  new Gauge({
    name: 'cyclone_controller_leader',
    help: '1 while this process leads the controllers (Kubernetes lease; 1 without a cluster), else 0',
    registers,
    aggregator: 'max',
    collect() {
      this.set(sources.isLeader() ? 1 : 0);
    },
  });
}
