import type { Db } from '../../db/prisma.js';
import type { RunPhase } from '../../generated/prisma/enums.js';

/** Runs created on one local day, by phase, with the durations of the succeeded ones. */
export interface RunDayStatistics {
  date: string;
  total: number;
  pending: number;
  running: number;
  waiting: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  averageDurationSeconds: number | null;
  maxDurationSeconds: number | null;
}

/** What the days ask: a tenant's runs per local day of `days` (oldest first, today last). */
export interface RunDaysQuery {
  tenantId: string;
  offsetMinutes: number;
  days: readonly string[];
  now: Date;
}

/** A day is kept only this long after it ended: a run created just before its end has committed by then. */
const SETTLE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
/** Kept days older than the longest window are never read again. */
const KEEP_DAYS = 92;
/** A first read counts up to the longest window's runs: more than Prisma's default 5 s on a busy machine. */
const FILL_TIMEOUT_MS = 60_000;
/** The lock that keeps a fill from missing an invalidation (migration 20261231110000_run_day_statistics). */
const LOCK_KEY = 'cyclone-run-days';

/** The YYYY-MM-DD of `at` shifted by `offsetMinutes`. */
export function dayOf(at: Date, offsetMinutes: number): string {
  return new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The window's days, oldest first, ending with today (in the offset). */
export function windowDays(now: Date, days: number, offsetMinutes: number): string[] {
  const today = Date.parse(`${dayOf(now, offsetMinutes)}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

/** The instant local midnight of `day` (YYYY-MM-DD) is, for the offset. */
export function midnight(day: string, offsetMinutes: number): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - offsetMinutes * 60_000);
}

const emptyDay = (date: string): RunDayStatistics => ({
  date,
  total: 0,
  pending: 0,
  running: 0,
  waiting: 0,
  succeeded: 0,
  failed: 0,
  cancelled: 0,
  averageDurationSeconds: null,
  maxDurationSeconds: null,
});

type Sql = Pick<Db, '$queryRaw' | '$executeRaw'>;

interface PhaseRow {
  day: string;
  phase: RunPhase;
  count: number;
  avg: number | null;
  max: number | null;
}

/** Counts a tenant's runs created in [from, to) by local day and phase. */
function countRuns(sql: Sql, tenantId: string, offset: number, from: Date, to: Date): Promise<PhaseRow[]> {
  return sql.$queryRaw<PhaseRow[]>`
    SELECT to_char(r.created_at + make_interval(mins => ${offset}::int), 'YYYY-MM-DD') AS day,
           r.phase::text AS phase,
           count(*)::int AS count,
           avg(extract(epoch FROM r.finished_at - r.started_at))
             FILTER (WHERE r.phase = 'SUCCEEDED' AND r.started_at IS NOT NULL AND r.finished_at IS NOT NULL)::float8 AS avg,
           max(extract(epoch FROM r.finished_at - r.started_at))
             FILTER (WHERE r.phase = 'SUCCEEDED' AND r.started_at IS NOT NULL AND r.finished_at IS NOT NULL)::float8 AS max
    FROM workflow_runs r
    JOIN workflows w ON w.id = r.workflow_id
    JOIN projects p ON p.id = w.project_id
    WHERE p.tenant_id = ${tenantId}::uuid AND r.created_at >= ${from} AND r.created_at < ${to}
    GROUP BY 1, 2`;
}

function addRow(day: RunDayStatistics, row: PhaseRow): void {
  const key = row.phase.toLowerCase() as Lowercase<RunPhase>;
  day[key] += row.count;
  day.total += row.count;
  if (row.phase === 'SUCCEEDED') {
    day.averageDurationSeconds = row.avg;
    day.maxDurationSeconds = row.max;
  }
}

/** Runs of consecutive days as [first, last] pairs. */
function spans(days: readonly string[]): [string, string][] {
  const result: [string, string][] = [];
  for (const day of days) {
    const last = result.at(-1);
    if (last && Date.parse(`${day}T00:00:00Z`) - Date.parse(`${last[1]}T00:00:00Z`) === DAY_MS) last[1] = day;
    else result.push([day, day]);
  }
  return result;
}

/**
 * A tenant's runs per local day of the window. A past day is counted once and kept
 * (table run_day_statistics) when it is over and holds no active run; the rest is
 * counted on every read. So a read costs today's runs (and the days not kept yet),
 * not the runs of its whole window.
 */
export async function readRunDays(db: Db, query: RunDaysQuery): Promise<RunDayStatistics[]> {
  const { tenantId, offsetMinutes: offset, days, now } = query;
  const byDay = new Map(days.map((date) => [date, emptyDay(date)]));
  const settled = new Set(days.filter((day) => midnight(day, offset).getTime() + DAY_MS + SETTLE_MS <= now.getTime()));
  const kept = await db.$queryRaw<
    { day: string; succeeded: number; failed: number; cancelled: number; avg: number | null; max: number | null }[]
  >`
    SELECT to_char(day, 'YYYY-MM-DD') AS day, succeeded, failed, cancelled,
           average_duration_seconds AS avg, max_duration_seconds AS max
    FROM run_day_statistics
    WHERE tenant_id = ${tenantId}::uuid AND utc_offset_minutes = ${offset}
      AND day >= ${days[0]}::date AND day <= ${days.at(-1)}::date`;
  const keptDays = new Set<string>();
  for (const row of kept) {
    const day = byDay.get(row.day);
    if (!day || !settled.has(row.day)) continue;
    keptDays.add(row.day);
    Object.assign(day, {
      succeeded: row.succeeded,
      failed: row.failed,
      cancelled: row.cancelled,
      total: row.succeeded + row.failed + row.cancelled,
      averageDurationSeconds: row.avg,
      maxDurationSeconds: row.max,
    });
  }
  const counted = days.filter((day) => !keptDays.has(day));
  const rows = await countDays(db, tenantId, offset, counted);
  const figures = tally(days, rows, byDay);
  // Settled days without active runs are kept; one with a run still active is counted again next time.
  const toKeep = figures
    .filter((day) => !keptDays.has(day.date) && settled.has(day.date))
    .filter(hasNoActiveRuns)
    .map((day) => day.date);
  if (toKeep.length > 0) await keepDays(db, tenantId, offset, toKeep, now);
  return figures;
}

/** Counts the runs of the given days (consecutive ones in one query), by local day and phase. */
async function countDays(sql: Sql, tenantId: string, offset: number, days: readonly string[]): Promise<PhaseRow[]> {
  const found: PhaseRow[] = [];
  for (const [first, last] of spans(days)) {
    const to = new Date(midnight(last, offset).getTime() + DAY_MS);
    found.push(...(await countRuns(sql, tenantId, offset, midnight(first, offset), to)));
  }
  return found;
}

/** A day that can be kept: no run of it may still change its figures. */
function hasNoActiveRuns(day: RunDayStatistics): boolean {
  return day.pending + day.running + day.waiting === 0;
}

/** The days' figures from counted rows, added to `into` (empty days by default). */
function tally(
  days: readonly string[],
  rows: readonly PhaseRow[],
  into = new Map(days.map((date) => [date, emptyDay(date)])),
): RunDayStatistics[] {
  for (const row of rows) {
    const day = into.get(row.day);
    if (day) addRow(day, row);
  }
  return days.map((date) => into.get(date) as RunDayStatistics);
}

/**
 * Counts the days again under the lock, exclusive against invalidations (a deletion
 * committed before it is counted), stores those still without active runs, and drops
 * kept days no window reaches any more.
 */
async function keepDays(db: Db, tenantId: string, offset: number, dates: readonly string[], now: Date) {
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${LOCK_KEY}))`;
      const recounted = tally(dates, await countDays(tx, tenantId, offset, dates));
      const done = recounted.filter(hasNoActiveRuns);
      if (done.length > 0) {
        const column = <K extends keyof RunDayStatistics>(key: K) => done.map((day) => day[key]);
        await tx.$executeRaw`
          INSERT INTO run_day_statistics
            (tenant_id, utc_offset_minutes, day, succeeded, failed, cancelled, average_duration_seconds, max_duration_seconds)
          SELECT ${tenantId}::uuid, ${offset}, * FROM unnest(${column('date')}::date[], ${column('succeeded')}::int[],
            ${column('failed')}::int[], ${column('cancelled')}::int[], ${column('averageDurationSeconds')}::float8[],
            ${column('maxDurationSeconds')}::float8[])
          ON CONFLICT DO NOTHING`;
      }
      await tx.$executeRaw`DELETE FROM run_day_statistics WHERE day < ${new Date(now.getTime() - KEEP_DAYS * DAY_MS)}::date`;
    },
    { timeout: FILL_TIMEOUT_MS },
  );
}
