import { TERMINAL_RUN_PHASES } from '@cyclone/domain/core';
import type { Db } from '../../db/prisma.js';
import { type StageHealth, type StageSample, stageHealth } from './stage-health.rules.js';

export const MAX_HEALTH_RUNS = 500;

/**
 * How each of the named stages (the workflow's current ones, in their order) fared over
 * the workflow's last `lastRuns` ended runs: two index-backed queries. Runs still going
 * are left out, so a stage's numbers do not move while it runs.
 */
export async function readStageHealth(
  db: Db,
  workflowId: string,
  stageNames: readonly string[],
  lastRuns: number,
): Promise<StageHealth[]> {
  const runs = await db.workflowRun.findMany({
    where: { workflowId, phase: { in: [...TERMINAL_RUN_PHASES] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: lastRuns,
    select: { id: true },
  });
  const order = new Map(runs.map((run, index) => [run.id, runs.length - index]));
  const stageRuns = await db.stageRun.findMany({
    where: { runId: { in: [...order.keys()] }, stage: { in: [...stageNames] } },
    select: { runId: true, stage: true, phase: true, attempt: true, startedAt: true, finishedAt: true },
  });
  // Oldest run first, as the trend reads them.
  stageRuns.sort((a, b) => (order.get(a.runId) ?? 0) - (order.get(b.runId) ?? 0));
  const samples = new Map<string, StageSample[]>(stageNames.map((name) => [name, []]));
  for (const row of stageRuns) {
    samples.get(row.stage)?.push({
      phase: row.phase,
      attempt: row.attempt,
      durationMs: row.startedAt && row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null,
    });
  }
  return stageNames.map((name) => stageHealth(name, samples.get(name) ?? []));
}
