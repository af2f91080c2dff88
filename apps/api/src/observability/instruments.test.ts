import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetrics, trackGauges } from './instruments.js';

const CHART = new URL('../../../../charts/cyclone/', import.meta.url);

/** Every `cyclone_…` series a text names, without the suffixes Prometheus adds to histograms. */
const seriesNamed = (text: string) =>
  new Set([...text.matchAll(/\b(cyclone_[a-z_]+)/g)].map((m) => (m[1] as string).replace(/_(bucket|count|sum)$/, '')));

describe('the instruments', () => {
  it('are what the shipped dashboard and alerts query: no panel or alert names a series that does not exist', async () => {
    const metrics = createMetrics();
    trackGauges(metrics, { runCounts: async () => [], isLeader: () => true, maxTenantLabels: 10 });
    const exposed = new Set((await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name));
    const dashboard = readFileSync(new URL('dashboards/cyclone.json', CHART), 'utf8');
    const alerts = readFileSync(new URL('templates/prometheusrule.yaml', CHART), 'utf8');
    const queried = [...seriesNamed(dashboard), ...seriesNamed(alerts)];
    expect(queried.length).toBeGreaterThan(10);
    expect(queried.filter((name) => !exposed.has(name))).toEqual([]);
    // Node's defaults under their standard names.
    expect(exposed).toContain('process_cpu_user_seconds_total');
  });

  it('sums the run gauges into one unlabelled series past the tenant bound', async () => {
    const metrics = createMetrics();
    const runCounts = async () => [
      { tenant: 'a', active: 2, queued: 1 },
      { tenant: 'b', active: 3, queued: 0 },
    ];
    trackGauges(metrics, { runCounts, isLeader: () => false, maxTenantLabels: 1 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('cyclone_runs_active{tenant=""} 5');
    expect(text).toContain('cyclone_runs_queued{tenant=""} 1');
    expect(text).toContain('cyclone_controller_leader 0');
    expect(text).not.toContain('tenant="a"');
  });
});
