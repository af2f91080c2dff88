import { CronExpressionParser } from 'cron-parser';

/**
 * Pure schedule maths for CRON triggers (five fields, read in the trigger's IANA time
 * zone, UTC by default). The reconciler keeps one stored slot per trigger
 * (`next_fire_at`, an instant) and asks these functions what to do with it.
 *
 * Daylight saving time (cron-parser over the IANA database): a wall-clock time that a
 * spring-forward change skips (02:30 in Europe/Berlin on its last March Sunday) fires
 * once, at the same offset after the change (03:30); one that a fall-back change repeats
 * fires once, the first time. Hourly and finer schedules keep their step in real time.
 */

/** The first fire time strictly after `after`. */
export function nextSlotAfter(expression: string, after: Date, tz = 'UTC'): Date {
  return CronExpressionParser.parse(expression, { currentDate: after, tz }).next().toDate();
}

/** The next `count` fire times strictly after `after` (for `nextFireTimes`). */
export function nextSlots(expression: string, after: Date, count: number, tz = 'UTC'): Date[] {
  const parsed = CronExpressionParser.parse(expression, { currentDate: after, tz });
  return Array.from({ length: count }, () => parsed.next().toDate());
}

/** The latest fire time at or before `now`, or undefined when there is none after `since`. */
export function latestSlotAtOrBefore(expression: string, since: Date, now: Date, tz = 'UTC'): Date | undefined {
  if (since.getTime() > now.getTime()) return undefined;
  // cron-parser's prev() is strictly before currentDate: start one millisecond later.
  const previous = CronExpressionParser.parse(expression, { currentDate: new Date(now.getTime() + 1), tz })
    .prev()
    .toDate();
  return previous.getTime() >= since.getTime() ? previous : since;
}

export type SlotDecision =
  /** Nothing is due yet. */
  | { action: 'WAIT'; nextFireAt: Date }
  /** Start a run for `slot` (the latest due one); older missed slots collapse into it. */
  | { action: 'FIRE'; slot: Date; missed: number; nextFireAt: Date }
  /** Every due slot is older than the starting deadline: start nothing. */
  | { action: 'SKIP'; slot: Date; missed: number; nextFireAt: Date };

/**
 * The missed-slot policy (documented in docs/engine.md): when the stored slot is due,
 * only the latest slot at or before `now` may fire, and only if it is at most
 * `startingDeadlineSeconds` old (no limit when unset), like Kubernetes CronJob.
 * Older slots are counted as missed and never fire. The next stored slot is the
 * first one after `now`, so a restart after a long outage fires at most once.
 */
export function decideSlot(
  expression: string,
  storedSlot: Date,
  now: Date,
  startingDeadlineSeconds?: number,
  tz = 'UTC',
): SlotDecision {
  if (storedSlot.getTime() > now.getTime()) return { action: 'WAIT', nextFireAt: storedSlot };
  const slot = latestSlotAtOrBefore(expression, storedSlot, now, tz) ?? storedSlot;
  const missed = countSlots(expression, storedSlot, slot, tz);
  const nextFireAt = nextSlotAfter(expression, now, tz);
  const isTooLate =
    startingDeadlineSeconds !== undefined && now.getTime() - slot.getTime() > startingDeadlineSeconds * 1000;
  return { action: isTooLate ? 'SKIP' : 'FIRE', slot, missed, nextFireAt };
}

/** Slots in [from, to) — those that `to` supersedes — counted up to `cap` (for the log) so a long outage stays cheap. */
function countSlots(expression: string, from: Date, to: Date, tz: string, cap = 100): number {
  if (from.getTime() >= to.getTime()) return 0;
  const parsed = CronExpressionParser.parse(expression, { currentDate: new Date(from.getTime() - 1), tz });
  let count = 0;
  while (count < cap && parsed.next().toDate().getTime() < to.getTime()) count += 1;
  return count;
}
