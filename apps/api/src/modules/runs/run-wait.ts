import { nextRetryAt, type WaitKind } from '@cyclone/dag';
import { isTerminalRunPhase } from '@cyclone/domain/core';
import type { Db } from '../../db/prisma.js';

/** Why a run waits (WorkflowRun.wait); its queue kinds come from admission (run-admission.ts). */
export interface RunWaitView {
  reason: WaitKind | 'RETRY_BACKOFF' | 'DELEGATION';
  position: number | null;
  limit: number | null;
  estimatedStartAt: Date | null;
}

/** Finished runs of the workflow whose durations make the estimate. */
const RECENT_RUNS = 20;

/**
 * What a run waits for and until about when: a queue limit (with its place and an
 * estimate from the workflow's recent run durations: the runs ahead, `limit` at a time),
 * a member's approval (of the run, or of an approval stage), the external system of a delegated stage,
 * a pause, or a stage's retry backoff. Null when it waits for nothing.
 */
export async function runWait(db: Db, runId: string, now = new Date()): Promise<RunWaitView | null> {
  const run = await db.workflowRun.findUnique({
    where: { id: runId },
    select: {
      id: true,
      workflowId: true,
      versionId: true,
      phase: true,
      admittedAt: true,
      pausedAt: true,
      waitKind: true,
      waitLimit: true,
      waitPosition: true,
    },
  });
  if (!run) return null;
  if (isTerminalRunPhase(run.phase)) return null;
  if (run.admittedAt === null) {
    if (!run.waitKind) return null;
    const position = run.waitPosition;
    const limit = run.waitLimit;
    const estimatedStartAt =
      position !== null
        ? await estimateStart(db, run.workflowId, Math.ceil(position / Math.max(limit ?? 1, 1)), now)
        : null;
    return { reason: run.waitKind as WaitKind, position, limit, estimatedStartAt };
  }
  if (run.pausedAt !== null) return { reason: 'PAUSED', position: null, limit: null, estimatedStartAt: null };
  const [version, stages] = await Promise.all([
    db.workflowVersion.findUnique({ where: { id: run.versionId }, select: { spec: true } }),
    db.stageRun.findMany({
      where: { runId: run.id },
      select: { stage: true, phase: true, attempt: true, finishedAt: true },
    }),
  ]);
  const specStages = (
    (version?.spec as { stages?: { name: string; retries?: number; delegation?: unknown }[] } | null)?.stages ?? []
  ).map((stage) => ({ name: stage.name, retries: stage.retries, isDelegated: stage.delegation !== undefined }));
  if (stages.some((stage) => stage.phase === 'RUNNING')) return null;
  // Stages wait for members' decisions (approval) or an external system's callback (delegation), and nothing else runs.
  const waiting = stages.filter((stage) => stage.phase === 'WAITING');
  if (waiting.length > 0) {
    const delegated = new Set(specStages.filter((stage) => stage.isDelegated).map((stage) => stage.name));
    const reason = waiting.every((stage) => delegated.has(stage.stage)) ? 'DELEGATION' : 'APPROVAL';
    return { reason, position: null, limit: null, estimatedStartAt: null };
  }
  const dueAt = nextRetryAt(specStages, stages);
  return dueAt ? { reason: 'RETRY_BACKOFF', position: null, limit: null, estimatedStartAt: dueAt } : null;
}

/** Now plus `rounds` typical run durations of the workflow; null without history. */
async function estimateStart(db: Db, workflowId: string, rounds: number, now: Date): Promise<Date | null> {
  const recent = await db.workflowRun.findMany({
    where: { workflowId, finishedAt: { not: null }, startedAt: { not: null } },
    orderBy: { finishedAt: 'desc' },
    take: RECENT_RUNS,
    select: { startedAt: true, finishedAt: true },
  });
  if (recent.length === 0) return null;
  const durations = recent
    .map((r) => (r.finishedAt as Date).getTime() - (r.startedAt as Date).getTime())
    .sort((a, b) => a - b);
  const median = durations[Math.floor(durations.length / 2)] as number;
  return new Date(now.getTime() + median * rounds);
}
