// Timed GraphQL requests of the history bench: the web's documents, sent as the web sends them.
import { performance } from 'node:perf_hooks';
import { RunStatisticsDocument, TenantRunsDocument } from '../../apps/web/src/features/runs/runs.documents.js';
import { type Document, documentText, StoredLogsDocument } from '../../packages/api-contract/dist/index.js';
import { graphql } from '../lib/platform.js';
import { percentile } from '../lib/stats.js';

export interface Timing {
  label: string;
  p50: number;
  p95: number;
  /** CPU of the API and Postgres per request: less sensitive than times to other load. */
  cpuMs: number;
}

export type Probe = { label: string; send: () => Promise<unknown> };

/** The requests timed before and after the history is loaded. */
export function probes(apiUrl: string, token: string, replayRunId: string): Probe[] {
  // biome-ignore lint/suspicious/noExplicitAny: any of the web's documents, its variables checked at each call.
  const send = <V>(document: Document<any, V>, variables: V) =>
    graphql(apiUrl, documentText(document).query, variables as object, token);
  return [
    {
      // Every page of the stored lines of a 10,000-line stage, as a viewer opening the run reads them.
      label: 'log replay (10,000 lines)',
      send: async () => {
        let afterSeq = 0;
        for (;;) {
          const page = (await send(StoredLogsDocument, { id: replayRunId, stage: 'build', afterSeq })) as {
            workflowRunLogs: { seq: number }[];
          };
          const last = page.workflowRunLogs.at(-1);
          if (!last) return;
          afterSeq = last.seq;
        }
      },
    },
    {
      label: 'runs list, a workflow (first page)',
      send: () =>
        send(TenantRunsDocument, {
          tenant: 'bench',
          filter: { project: 'project-1', workflow: 'service-1' },
          first: 25,
        }),
    },
    {
      label: 'runs list, the tenant (first page)',
      send: () => send(TenantRunsDocument, { tenant: 'bench', first: 25 }),
    },
    {
      label: 'overview (run statistics, 14 days)',
      send: () => send(RunStatisticsDocument, { tenant: 'bench', days: 14, utcOffsetMinutes: 0 }),
    },
  ];
}

/**
 * Each probe `times` times after three warm-up calls (a fresh API compiles its code
 * paths); p50 and p95 in ms, and `cpuSeconds()` (API and Postgres) spent per call.
 */
export async function timeProbes(list: readonly Probe[], times: number, cpuSeconds: () => number): Promise<Timing[]> {
  const out: Timing[] = [];
  for (const probe of list) {
    for (let i = 0; i < 3; i++) await probe.send();
    const samples: number[] = [];
    const cpuBefore = cpuSeconds();
    for (let i = 0; i < times; i++) {
      const started = performance.now();
      await probe.send();
      samples.push(performance.now() - started);
    }
    const cpuMs = ((cpuSeconds() - cpuBefore) * 1000) / times;
    out.push({ label: probe.label, p50: percentile(samples, 50), p95: percentile(samples, 95), cpuMs });
  }
  return out;
}
