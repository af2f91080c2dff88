import { isTerminalRunPhase } from '@cyclone/domain/core';
import type { PlainSql } from '../../db/plain-sql.js';
import type { Db } from '../../db/prisma.js';
import { notFound } from '../../errors/app-error.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { LogWatch, RunEvents, StoredLine } from './run-events.js';
import { type RunEvent, readStageRunViews, stageSignature } from './runs.loaders.js';
import type { LogLineView, RunsPresenter } from './runs.presenter.js';
import { readerKey, type StreamAccessChecks } from './stream-access.js';
import { followTenantRuns } from './tenant-run-stream.js';

/** What a live read needs: the database, the run notifications, and identity changes to recheck access on. */
export interface RunStreamDeps {
  db: Db;
  /** A log's reads, several per stored batch of every followed stage: plain pg (see PlainSql). */
  sql: PlainSql;
  presenter: RunsPresenter;
  events: RunEvents;
  /** Live streams' access checks, shared by a reader's streams of one run. */
  access: StreamAccessChecks;
}

/** Safety net: look again this often even without a notification. */
const MAX_WAIT_MS = 2_000;
const PAGE = 1_000;

/** Per RunEvents (generations count that instance's notifications). */
const readsOf = new WeakMap<RunEvents, Map<string, Promise<unknown>>>();
/**
 * Identical reads in flight share one query: the subscribers of a run all wake on
 * its notification and would otherwise each ask the same thing (1,000 subscribers,
 * 1,000 queries per log batch). The key holds the notification generation at which
 * the reader woke, so a reader only joins a query started after the change that
 * woke it (which therefore sees it).
 */
function sharedRead<T>(events: RunEvents, key: string, read: () => Promise<T>): Promise<T> {
  let reads = readsOf.get(events);
  if (!reads) {
    reads = new Map();
    readsOf.set(events, reads);
  }
  let pending = reads.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = read().finally(() => reads.delete(key));
    reads.set(key, pending);
  }
  return pending;
}

/**
 * Lines per event at most. A subscriber that lags (a replay, a slow connection) gets
 * full batches, and every one of them holds its batch's result and message until sent:
 * at a page (1,000) per batch, 500 lagging subscribers outgrew the API's heap.
 */
const BATCH = 100;
const views = new WeakMap<StoredLine[], LogLineView[][]>();
/**
 * One set of view arrays per stored page or handed-over batch: followers of a shared
 * read or of one stored batch then deliver the same objects, which lets the
 * subscription layer execute each once for all of them (graphql/shared-subscribe.ts);
 * the per-line stream hands out their elements, shared too.
 */
function batchViews(rows: StoredLine[]): LogLineView[][] {
  let batches = views.get(rows);
  if (!batches) {
    const lines = rows.map((row) => ({
      seq: Number(row.seq),
      stage: row.stage,
      stream: row.stream,
      line: row.text,
      timestamp: row.timestamp,
    }));
    batches = [];
    for (let at = 0; at < lines.length; at += BATCH) batches.push(lines.slice(at, at + BATCH));
    views.set(rows, batches);
  }
  return batches;
}

type Phase = RunEvent['phase'];

/** The run's phase and its stages in the order they started (a replay reads as the run went); undefined once it is deleted. */
async function readStages(sql: PlainSql, runId: string): Promise<{ phase: Phase; names: string[] } | undefined> {
  const rows = await sql.rows<{ phase: Phase; stage: string | null }>(
    `SELECT r.phase::text AS phase, s.stage FROM workflow_runs r LEFT JOIN stage_runs s ON s.run_id = r.id
      WHERE r.id = $1 ORDER BY s.started_at ASC NULLS LAST, s.stage ASC`,
    [runId],
  );
  const [first] = rows;
  return first && { phase: first.phase, names: rows.flatMap((row) => (row.stage === null ? [] : [row.stage])) };
}

/**
 * The run's phase and a page of one stage's lines after `from`, in one statement (one
 * snapshot: when it says the run has ended, every line the run stored is in this page
 * or a later one); undefined once the run is deleted.
 */
async function readTail(
  sql: PlainSql,
  runId: string,
  stage: string,
  from: string,
): Promise<{ phase: Phase; lines: StoredLine[] } | undefined> {
  const rows = await sql.rows<{ phase: Phase } & { [K in keyof StoredLine]: StoredLine[K] | null }>(
    // The seq as text (a bigint) for the row, but ordered as the number it is.
    `SELECT r.phase::text AS phase, l.seq::text AS seq, l.stage, l.stream::text AS stream, l.text, l.timestamp
      FROM workflow_runs r LEFT JOIN LATERAL (
        SELECT * FROM log_lines WHERE run_id = r.id AND stage = $2 AND seq > $3 ORDER BY seq LIMIT ${PAGE}
      ) l ON true
      WHERE r.id = $1 ORDER BY l.seq`,
    [runId, stage, from],
  );
  const [first] = rows;
  return (
    first && { phase: first.phase, lines: rows.filter((row): row is StoredLine & { phase: Phase } => row.seq !== null) }
  );
}

/** The run now, then again on every change of its phase or of a stage; ends when the run ends. */
export async function* followRun(deps: RunStreamDeps, user: AuthUser, id: string): AsyncGenerator<RunEvent> {
  const first = await deps.presenter.getRun(user, id);
  const watch = await deps.events.watch(first.id);
  const access = deps.access.open(readerKey(user, `run\0${first.id}`), () => deps.presenter.assertCanRead(user, id));
  try {
    let last = '';
    for (;;) {
      await access.assert();
      const run = await deps.db.workflowRun.findUniqueOrThrow({ where: { id: first.id } });
      const [stageViews = []] = await readStageRunViews(deps.db, [first.id]);
      const signature = JSON.stringify([
        run.phase,
        run.pausedAt,
        run.stopRequestedAt,
        run.approvedAt,
        // A queued run's place moves as runs ahead of it start (WorkflowRun.wait).
        run.message,
        run.waitKind,
        run.waitPosition,
        stageSignature(stageViews),
      ]);
      if (signature !== last) {
        last = signature;
        yield { ...run, stageViews };
      }
      if (isTerminalRunPhase(run.phase)) return;
      await watch.next(MAX_WAIT_MS);
    }
  } finally {
    access.close();
    watch.dispose();
  }
}

/**
 * The lines of a handed-over batch a follower has not sent (all of them: the same
 * array), or undefined when it must read instead: a gap after `from`, or a stage it
 * does not know yet.
 */
function unsent(lines: StoredLine[], from: string, isKnown: boolean): StoredLine[] | undefined {
  const first = Number(lines[0]?.seq);
  const after = Number(from);
  if (!isKnown || first > after + 1) return undefined;
  // A read's page may have ended inside the batch.
  return first === after + 1 ? lines : lines.filter((line) => Number(line.seq) > after);
}

/**
 * Stored lines after `afterSeq` (of one stage, or of every stage when none is
 * named), then new ones as they are stored, in batches: each batch holds the lines of
 * one stage read together (up to BATCH), each line once, in seq order per stage.
 * A batch is whatever was stored since the last read, so it adds no wait; a fast log
 * then costs one event per batch instead of one per line. A batch stored by this
 * process is handed over and not read back (RunEvents.watchLogs); anything else (a
 * batch of another process, a gap, a change of the run) is read. Ends when the run
 * has ended and every line has been sent.
 */
export async function* followLogBatches(
  deps: RunStreamDeps,
  user: AuthUser,
  id: string,
  stage: string | undefined,
  afterSeq: number | undefined,
): AsyncGenerator<LogLineView[]> {
  const run = await deps.presenter.getRun(user, id);
  const watch = await deps.events.watchLogs(run.id);
  const access = deps.access.open(readerKey(user, `run\0${run.id}`), () => deps.presenter.assertCanRead(user, id));
  const sent = new Map<string, string>();
  const after = (name: string) => sent.get(name) ?? String(afterSeq ?? 0);
  // Once the run has ended, a follower of all stages does a last round on its own: a
  // shared read of lines may have started before the phase read that saw the end. One
  // stage's phase comes with its lines (one snapshot), so its read that saw the end saw them.
  let isClosing = false;
  let mustRead = true;
  let known = new Set(stage ? [stage] : []);
  try {
    for (;;) {
      await access.assert();
      if (!mustRead) {
        mustRead = yield* handedOver(watch, stage, known, after, sent);
        continue;
      }
      const generation = deps.events.generation;
      const read = <T>(key: string, query: () => Promise<T>): Promise<T> =>
        isClosing ? query() : sharedRead(deps.events, key, query);
      // All stages: the phase is read before their lines, so lines stored before the run
      // ended are all visible below. One stage: the phase comes with its lines.
      const stages = stage
        ? { phase: undefined, names: [stage] }
        : await read(`stages:${run.id}:${generation}`, () => readStages(deps.sql, run.id));
      // Deleted while followed (retention, deleteWorkflow).
      if (!stages) throw notFound(`workflow run "${id}"`);
      known = new Set(stages.names);
      let phase = stages.phase;
      let isFull = false;
      for (const name of stages.names) {
        const from = after(name);
        const tail = await read(`lines:${run.id}:${name}:${from}:${generation}`, () =>
          readTail(deps.sql, run.id, name, from),
        );
        if (!tail) throw notFound(`workflow run "${id}"`);
        phase ??= tail.phase;
        const { lines } = tail;
        isFull ||= lines.length === PAGE;
        const last = lines.at(-1);
        if (!last) continue;
        sent.set(name, last.seq);
        yield* batchViews(lines);
      }
      if (isFull) continue;
      if (phase && isTerminalRunPhase(phase)) {
        if (isClosing || stage) return;
        isClosing = true;
        continue;
      }
      mustRead = false;
    }
  } finally {
    access.close();
    watch.dispose();
  }
}

/**
 * Waits for the next change and sends the batches handed over with it; returns
 * whether the follower must read (a change that was not handed over, a gap).
 */
async function* handedOver(
  watch: LogWatch,
  stage: string | undefined,
  known: ReadonlySet<string>,
  after: (name: string) => string,
  sent: Map<string, string>,
): AsyncGenerator<LogLineView[], boolean> {
  await watch.next(MAX_WAIT_MS);
  const { batches, needsRead } = watch.take();
  if (needsRead) return true;
  for (const lines of batches) {
    const name = (lines[0] as StoredLine).stage;
    if (stage !== undefined && name !== stage) continue;
    const fresh = unsent(lines, after(name), known.has(name));
    if (!fresh) return true;
    const last = fresh.at(-1);
    if (!last) continue;
    sent.set(name, last.seq);
    yield* batchViews(fresh);
  }
  return false;
}

/** followLogBatches line by line. */
export async function* followLogs(
  deps: RunStreamDeps,
  user: AuthUser,
  id: string,
  stage: string | undefined,
  afterSeq: number | undefined,
): AsyncGenerator<LogLineView> {
  for await (const batch of followLogBatches(deps, user, id, stage, afterSeq)) yield* batch;
}

/** The subscriptions' live reads of runs, on this process's database and run notifications. */
export class RunStreams {
  constructor(private readonly deps: RunStreamDeps) {}

  followRun(user: AuthUser, id: string): AsyncGenerator<RunEvent> {
    return followRun(this.deps, user, id);
  }

  followLogs(user: AuthUser, id: string, stage?: string, afterSeq?: number): AsyncGenerator<LogLineView> {
    return followLogs(this.deps, user, id, stage, afterSeq);
  }

  followLogBatches(user: AuthUser, id: string, stage?: string, afterSeq?: number): AsyncGenerator<LogLineView[]> {
    return followLogBatches(this.deps, user, id, stage, afterSeq);
  }

  followTenantRuns(user: AuthUser, tenant: string): AsyncGenerator<RunEvent> {
    return followTenantRuns(this.deps, user, tenant);
  }
}
