import { percentile } from '../../lib/stats.js';
import { type Measurement, runsPerMinute } from './measurement.js';

const CLIENT_ORDER = ['controller', 'bench (submit)', 'kube-scheduler', 'kwok', 'kube-controller-manager'];

/** The comparison table (one column per system) and, last, the two ratio lines. */
export function formatComparison(measurements: Measurement[]): string {
  const perRun = (m: Measurement, n: number) => (n / m.runs).toFixed(2);
  const ms = (v: number) => (Number.isNaN(v) ? '-' : String(Math.round(v)));
  const clients = [...new Set(measurements.flatMap((m) => Object.keys(m.writesByClient)))].sort(
    (a, b) => (CLIENT_ORDER.indexOf(a) + 1 || 99) - (CLIENT_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
  const rows: [string, ...string[]][] = [
    ['', ...measurements.map((m) => m.name)],
    ['runs', ...measurements.map((m) => String(m.runs))],
    ['runs/min', ...measurements.map((m) => String(Math.round(runsPerMinute(m))))],
    ['submit -> all finished (s)', ...measurements.map((m) => (m.wallMs / 1000).toFixed(1))],
    [
      'API writes/run, all clients',
      ...measurements.map((m) =>
        perRun(
          m,
          Object.values(m.writesByClient).reduce((a, b) => a + b, 0),
        ),
      ),
    ],
    ...clients.map((c): [string, ...string[]] => [
      `  by ${c}`,
      ...measurements.map((m) => perRun(m, m.writesByClient[c] ?? 0)),
    ]),
    [
      'controller writes/run of run objects',
      ...measurements.map((m) =>
        perRun(
          m,
          Object.values(m.controllerRunWrites).reduce((a, b) => a + b, 0),
        ),
      ),
    ],
    ['controller CPU ms/run', ...measurements.map((m) => ((m.cpuSeconds * 1000) / m.runs).toFixed(1))],
    ['control plane CPU ms/run', ...measurements.map((m) => ((m.controlPlaneCpuSeconds * 1000) / m.runs).toFixed(1))],
    [
      'submit -> pod created p50/p95 (ms)',
      ...measurements.map((m) => `${ms(percentile(m.submitToPod, 50))}/${ms(percentile(m.submitToPod, 95))}`),
    ],
    [
      'pod exit -> run finished p50/p95 (ms)',
      ...measurements.map((m) => `${ms(percentile(m.exitToFinished, 50))}/${ms(percentile(m.exitToFinished, 95))}`),
    ],
    ['peak controller RSS (MiB)', ...measurements.map((m) => (m.peakRssBytes / 2 ** 20).toFixed(0))],
  ];
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[0] as number) : cell.padStart(widths[i] as number))).join('  '),
  );
  const ours = measurements.find((m) => m.name === 'cyclone');
  for (const name of ['argo-default', 'argo-tuned']) {
    const argo = measurements.find((m) => m.name === name);
    if (ours && argo)
      lines.push(`ours/${name} runs/min ratio: ${(runsPerMinute(ours) / runsPerMinute(argo)).toFixed(2)}`);
  }
  return lines.join('\n');
}
