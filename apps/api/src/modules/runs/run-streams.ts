import type { Db } from '../../db/prisma.js';
import type { WorkflowRun } from '../../generated/prisma/client.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { RunEvents } from './run-events.js';
import type { LogLineView, RunsPresenter } from './runs.presenter.js';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
/** Safety net: look again this often even without a notification. */
const MAX_WAIT_MS = 2_000;
const PAGE = 1_000;

/** The run now, then again on every change of its phase or of a stage; ends when the run ends. */
export async function* followRun(
  deps: { db: Db; presenter: RunsPresenter; events: RunEvents },
  user: AuthUser,
  id: string,
): AsyncGenerator<WorkflowRun> {
  const first = await deps.presenter.getRun(user, id);
  const watch = await deps.events.watch(first.id);
  try {
    let last = '';
    for (;;) {
      const run = await deps.db.workflowRun.findUniqueOrThrow({ where: { id: first.id } });
      const stages = await deps.db.stageRun.findMany({
        where: { runId: first.id },
        select: { stage: true, phase: true, attempt: true },
        orderBy: { stage: 'asc' },
      });
      const signature = JSON.stringify([run.phase, run.pausedAt, stages]);
      if (signature !== last) {
        last = signature;
        yield run;
      }
      if (TERMINAL.has(run.phase)) return;
      await watch.next(MAX_WAIT_MS);
    }
  } finally {
    watch.dispose();
  }
}

/**
 * Stored lines after `afterSeq` (of one stage, or of every stage when none is
 * named), then new ones as they are stored: each line once, in seq order per
 * stage. Ends when the run has ended and every line has been sent.
 */
export async function* followLogs(
  deps: { db: Db; presenter: RunsPresenter; events: RunEvents },
  user: AuthUser,
  id: string,
  stage: string | undefined,
  afterSeq: number | undefined,
): AsyncGenerator<LogLineView> {
  const run = await deps.presenter.getRun(user, id);
  const watch = await deps.events.watch(run.id);
  const sent = new Map<string, bigint>();
  const after = (name: string) => sent.get(name) ?? BigInt(afterSeq ?? 0);
  try {
    for (;;) {
      // Read the phase first: lines stored before the run ended are then all visible below.
      const { phase } = await deps.db.workflowRun.findUniqueOrThrow({ where: { id: run.id }, select: { phase: true } });
      const names = stage
        ? [stage]
        : (await deps.db.stageRun.findMany({ where: { runId: run.id }, select: { stage: true } })).map((s) => s.stage);
      let isFull = false;
      for (const name of names) {
        const rows = await deps.db.logLine.findMany({
          where: { runId: run.id, stage: name, seq: { gt: after(name) } },
          orderBy: { seq: 'asc' },
          take: PAGE,
        });
        isFull ||= rows.length === PAGE;
        for (const row of rows) {
          sent.set(name, row.seq);
          yield {
            seq: Number(row.seq),
            stage: row.stage,
            stream: row.stream,
            line: row.text,
            timestamp: row.timestamp,
          };
        }
      }
      if (isFull) continue;
      if (TERMINAL.has(phase)) return;
      await watch.next(MAX_WAIT_MS);
    }
  } finally {
    watch.dispose();
  }
}
