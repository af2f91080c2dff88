import { notifyRunChanged } from '../db/notification-hub.js';
import type { Db } from '../db/prisma.js';
import type { Logger } from '../logging/logger.js';
import { createRunInTx } from '../modules/runs/run-create.js';
import type { Tx } from '../modules/shared/mutation.js';
import { toTriggerSpec } from '../modules/triggers/triggers.repository.js';
import type { Reconciler } from './controller.js';
import { decideSlot, nextSlotAfter } from './cron-schedule.js';

const ACTIVE = ['PENDING', 'RUNNING', 'WAITING'] as const;
/** Triggers handled per pass; a full batch asks for another pass at once. */
const BATCH = 50;
/** Never sleep longer than this, so a trigger created meanwhile is picked up soon. */
const MAX_SLEEP_MS = 5_000;

export interface CronFireResult {
  triggerId: string;
  slot: Date;
  outcome: 'STARTED' | 'SKIPPED_DEADLINE' | 'SKIPPED_FORBID' | 'FAILED';
  runId?: string;
  stoppedRunIds?: string[];
}

interface DueTrigger {
  id: string;
  workflow_id: string;
  name: string;
  next_fire_at: Date;
}

/**
 * Fires CRON triggers. Each due trigger is claimed with `FOR UPDATE SKIP LOCKED` on
 * its row and handled in one transaction that both creates the run (createRunInTx)
 * and advances `next_fire_at`, so a slot fires exactly once however many controller
 * processes run and whenever they restart. The clock is injectable for tests.
 */
export class CronReconciler implements Reconciler {
  readonly name = 'cron';
  private readonly now: () => Date;

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      now?: () => Date;
      /** Called after commit for every run started (wakes the run reconciler). */
      onRunCreated?: (runId: string) => void;
    },
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  async reconcileAll(): Promise<{ requeueAfterMs?: number }> {
    const results = await this.fireDue();
    if (results.length >= BATCH) return { requeueAfterMs: 0 };
    const next = await this.deps.db.workflowTrigger.findFirst({
      where: { type: 'CRON', isEnabled: true, nextFireAt: { not: null } },
      orderBy: { nextFireAt: 'asc' },
      select: { nextFireAt: true },
    });
    if (!next?.nextFireAt) return { requeueAfterMs: MAX_SLEEP_MS };
    return { requeueAfterMs: Math.max(0, Math.min(MAX_SLEEP_MS, next.nextFireAt.getTime() - this.now().getTime())) };
  }

  /** Handles every trigger due at `now()`, one transaction each; returns what happened. */
  async fireDue(): Promise<CronFireResult[]> {
    const results: CronFireResult[] = [];
    const failed = new Set<string>();
    while (results.length < BATCH) {
      const now = this.now();
      let claimed: DueTrigger | undefined;
      let result: CronFireResult | undefined;
      try {
        result = await this.deps.db.$transaction(async (tx) => {
          claimed = await claimDue(tx, now, [...failed]);
          return claimed ? this.fire(tx, claimed, now) : undefined;
        });
      } catch (error) {
        if (!claimed) throw error;
        failed.add(claimed.id);
        result = await this.skipAfterFailure(claimed, now, error);
      }
      if (!result) break;
      results.push(result);
      if (result.runId) this.deps.onRunCreated?.(result.runId);
      for (const id of result.stoppedRunIds ?? []) this.deps.onRunCreated?.(id);
    }
    return results;
  }

  private async fire(tx: Tx, trigger: DueTrigger, now: Date): Promise<CronFireResult> {
    const row = await tx.workflowTrigger.findUniqueOrThrow({ where: { id: trigger.id } });
    const spec = toTriggerSpec(row);
    const cron = spec.cron as string;
    const decision = decideSlot(cron, trigger.next_fire_at, now, spec.startingDeadlineSeconds, spec.timezone);
    const log = { triggerId: trigger.id, trigger: trigger.name, slot: trigger.next_fire_at };
    // Unreachable: the claim only returns triggers due at `now`.
    if (decision.action === 'WAIT') throw new Error(`trigger ${trigger.id} is not due`);
    await advance(tx, trigger.id, decision.nextFireAt);
    if (decision.missed > 0) this.deps.logger.warn({ ...log, missed: decision.missed }, 'cron slots missed while down');
    if (decision.action === 'SKIP') {
      this.deps.logger.warn({ ...log, latest: decision.slot }, 'cron slot older than startingDeadlineSeconds; skipped');
      return { triggerId: trigger.id, slot: decision.slot, outcome: 'SKIPPED_DEADLINE' };
    }
    const active = await tx.workflowRun.findMany({
      where: { triggerId: trigger.id, phase: { in: [...ACTIVE] } },
      select: { id: true, stopRequestedAt: true },
    });
    if (spec.concurrencyPolicy === 'FORBID' && active.length > 0) {
      this.deps.logger.info(
        { ...log, active: active.length },
        'cron slot skipped: a run of this trigger is active (Forbid)',
      );
      return { triggerId: trigger.id, slot: decision.slot, outcome: 'SKIPPED_FORBID' };
    }
    const stoppedRunIds: string[] = [];
    if (spec.concurrencyPolicy === 'REPLACE') {
      for (const run of active.filter((r) => !r.stopRequestedAt)) {
        await tx.workflowRun.update({ where: { id: run.id }, data: { stopRequestedAt: now } });
        await notifyRunChanged(tx, run.id);
        stoppedRunIds.push(run.id);
      }
    }
    const run = await createRunInTx(tx, trigger.workflow_id, {
      parameters: spec.parameters,
      timeoutSeconds: null,
      createdById: null,
      trigger: 'CRON',
      triggerId: trigger.id,
    });
    await notifyRunChanged(tx, run.id);
    this.deps.logger.info({ ...log, runId: run.id, fired: decision.slot }, 'cron trigger started a run');
    return { triggerId: trigger.id, slot: decision.slot, outcome: 'STARTED', runId: run.id, stoppedRunIds };
  }

  /** A slot whose run cannot be created (e.g. a broken workflow) is passed over, not retried forever. */
  private async skipAfterFailure(trigger: DueTrigger, now: Date, error: unknown): Promise<CronFireResult> {
    this.deps.logger.error({ err: error, triggerId: trigger.id, trigger: trigger.name }, 'cron trigger failed to fire');
    const row = await this.deps.db.workflowTrigger.findUnique({ where: { id: trigger.id } });
    const spec = row ? toTriggerSpec(row) : undefined;
    await this.deps.db.workflowTrigger.updateMany({
      where: { id: trigger.id, nextFireAt: trigger.next_fire_at },
      data: { nextFireAt: spec?.cron ? nextSlotAfter(spec.cron, now, spec.timezone) : null },
    });
    return { triggerId: trigger.id, slot: trigger.next_fire_at, outcome: 'FAILED' };
  }
}

async function claimDue(tx: Tx, now: Date, exclude: string[]): Promise<DueTrigger | undefined> {
  const rows = await tx.$queryRaw<DueTrigger[]>`
    SELECT id, workflow_id, name, next_fire_at FROM workflow_triggers
    WHERE type = 'CRON' AND is_enabled AND next_fire_at <= ${now}
      AND NOT (id::text = ANY(${exclude}::text[]))
    ORDER BY next_fire_at
    LIMIT 1
    FOR UPDATE SKIP LOCKED`;
  return rows[0];
}

async function advance(tx: Tx, triggerId: string, nextFireAt: Date): Promise<void> {
  await tx.workflowTrigger.update({ where: { id: triggerId }, data: { nextFireAt } });
}
