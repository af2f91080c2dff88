import { gaps } from '../../lib/stats.js';
import { type AuditWrite, clientOf, isRunObject, writesUntilQuiet } from './audit.js';

/** What the comparison prints for one system at one N. */
export interface Measurement {
  name: string;
  runs: number;
  /** First submission until the last run finished. */
  wallMs: number;
  /** API-server writes from the first submission until the controller went quiet, by client. */
  writesByClient: Record<string, number>;
  /** Of those, the controller's writes of run objects (isRunObject), by verb and resource. */
  controllerRunWrites: Record<string, number>;
  /** CPU of the controller (Cyclone: its API process and Postgres) over the same window. */
  cpuSeconds: number;
  /** CPU of the control plane (API server, etcd, scheduler, controller-manager, kwok) over the same window. */
  controlPlaneCpuSeconds: number;
  /** Per run: submission accepted until its pod was seen. */
  submitToPod: number[];
  /** Per run: its pod seen ended until the run was finished. */
  exitToFinished: number[];
  peakRssBytes: number;
}

export const runsPerMinute = (m: Measurement) => (m.runs / m.wallMs) * 60_000;

/** Counts a phase's writes by client, and the controller's writes of run objects by kind. */
export function countWrites(writes: readonly AuditWrite[]) {
  const writesByClient: Record<string, number> = {};
  const controllerRunWrites: Record<string, number> = {};
  for (const w of writes) {
    writesByClient[w.client] = (writesByClient[w.client] ?? 0) + 1;
    if (w.client !== 'controller' || !isRunObject(w)) continue;
    const key = `${w.verb} ${w.resource}`;
    controllerRunWrites[key] = (controllerRunWrites[key] ?? 0) + 1;
  }
  return { writesByClient, controllerRunWrites };
}

/**
 * A system's measurement once its runs finished: what it timed (submissions, its pods seen,
 * runs finished, keyed alike), its writes from the audit log until its controller went
 * quiet, and then its CPU since the start.
 */
export async function measurementOf(side: {
  name: string;
  runs: number;
  submitStart: number;
  submitted: Map<string, number>;
  finished: Map<string, number>;
  pods: { created: Map<string, number>; exited: Map<string, number> };
  auditLog: string;
  auditFrom: number;
  cpuSecondsSinceStart: () => number;
  controlPlaneCpuSecondsSinceStart: () => number;
  peakRssBytes: () => number;
}): Promise<Measurement> {
  const lastFinished = Math.max(...side.finished.values());
  const writes = await writesUntilQuiet(side.auditLog, side.auditFrom, clientOf, 'controller');
  return {
    name: side.name,
    runs: side.runs,
    wallMs: lastFinished - side.submitStart,
    ...countWrites(writes),
    cpuSeconds: side.cpuSecondsSinceStart(),
    controlPlaneCpuSeconds: side.controlPlaneCpuSecondsSinceStart(),
    submitToPod: gaps(side.submitted, side.pods.created),
    exitToFinished: gaps(side.pods.exited, side.finished),
    peakRssBytes: side.peakRssBytes(),
  };
}
