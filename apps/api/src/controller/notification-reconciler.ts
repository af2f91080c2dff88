import type { TERMINAL_RUN_PHASES } from '@cyclone/domain/core';
import type { Db } from '../db/prisma.js';
import type { RunNotification } from '../generated/prisma/client.js';
import type { Logger } from '../logging/logger.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import type { NotificationPayload } from '../modules/notifications/notification-payload.js';
import {
  DeliveryError,
  type SendOutcome,
  sendEmail,
  sendSlack,
  sendWebhook,
} from '../modules/notifications/notification-senders.js';
import { isNotified, type StoredReceiver, smtpSettingsOf } from '../modules/notifications/notifications.rules.js';
import type { Tx } from '../modules/shared/mutation.js';
import type { Reconciler } from './controller.js';

const BATCH = 50;
const BASE_BACKOFF_MS = 10_000;
const MAX_SLEEP_MS = 5_000;

export interface NotificationSettings {
  timeoutMs: number;
  maxAttempts: number;
  /** Base of the run page links in messages. */
  publicUrl: string;
}

/**
 * Tells receivers about finished runs, in two claimed steps so that several controller
 * processes and restarts never plan or deliver twice:
 * 1. plan: finished runs of workflows with a notification config, not yet planned
 *    (`notified_at IS NULL`, finished after the config was last set), are locked with
 *    `FOR UPDATE SKIP LOCKED`; a PENDING row per receiver is inserted (if the policy
 *    matches) and `notified_at` set, in one transaction;
 * 2. deliver: a due PENDING row is locked with SKIP LOCKED and kept locked while it is
 *    sent (bounded by the timeout), then its outcome is written in that transaction.
 *    Failures are retried with backoff (10 s, 20 s, 40 s …) up to maxAttempts;
 *    permanent ones (HTTP 4xx except 408/429, SMTP 5xx, a removed receiver) fail at once.
 */
export class NotificationReconciler implements Reconciler {
  readonly name = 'notifications';
  private readonly now: () => Date;

  constructor(
    private readonly deps: { db: Db; logger: Logger; box: SecretBox; settings: NotificationSettings; now?: () => Date },
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  async reconcileAll(): Promise<{ requeueAfterMs?: number }> {
    const planned = await this.planFinishedRuns();
    const delivered = await this.deliverDue();
    if (planned >= BATCH || delivered >= BATCH) return { requeueAfterMs: 0 };
    const next = await this.deps.db.runNotification.findFirst({
      where: { outcome: 'PENDING' },
      orderBy: { nextAttemptAt: 'asc' },
      select: { nextAttemptAt: true },
    });
    const wait = next ? next.nextAttemptAt.getTime() - this.now().getTime() : MAX_SLEEP_MS;
    return { requeueAfterMs: Math.max(0, Math.min(MAX_SLEEP_MS, wait)) };
  }

  /** Step 1; returns how many runs were planned. */
  async planFinishedRuns(): Promise<number> {
    return this.deps.db.$transaction(async (tx) => {
      const runs = await tx.$queryRaw<
        {
          id: string;
          phase: (typeof TERMINAL_RUN_PHASES)[number];
          policy: 'ALWAYS' | 'SUCCESS' | 'FAILURE';
          receivers: StoredReceiver[];
        }[]
      >`
        SELECT r.id, r.phase, n.policy, n.receivers FROM workflow_runs r
        JOIN workflow_notifications n ON n.workflow_id = r.workflow_id
        WHERE r.notified_at IS NULL AND r.finished_at IS NOT NULL
          AND r.phase::text IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
          AND r.finished_at >= n.updated_at
        ORDER BY r.finished_at
        LIMIT ${BATCH}
        FOR UPDATE OF r SKIP LOCKED`;
      const now = this.now();
      for (const run of runs) {
        if (isNotified(run.policy, run.phase) && run.receivers.length > 0) {
          await tx.runNotification.createMany({
            data: run.receivers.map((r) => ({ runId: run.id, receiver: r.name, type: r.type, nextAttemptAt: now })),
            skipDuplicates: true,
          });
        }
      }
      if (runs.length > 0) {
        await tx.workflowRun.updateMany({ where: { id: { in: runs.map((r) => r.id) } }, data: { notifiedAt: now } });
      }
      return runs.length;
    });
  }

  /** Step 2; returns how many deliveries were attempted. */
  async deliverDue(): Promise<number> {
    let attempted = 0;
    const timeout = this.deps.settings.timeoutMs + 15_000;
    while (attempted < BATCH) {
      const isDone = await this.deps.db.$transaction(
        async (tx) => {
          const [row] = await tx.$queryRaw<{ id: string }[]>`
            SELECT id FROM run_notifications
            WHERE outcome = 'PENDING' AND next_attempt_at <= ${this.now()}
            ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED`;
          if (!row) return true;
          await this.deliver(tx, await tx.runNotification.findUniqueOrThrow({ where: { id: row.id } }));
          return false;
        },
        { timeout, maxWait: 10_000 },
      );
      if (isDone) break;
      attempted += 1;
    }
    return attempted;
  }

  private async deliver(tx: Tx, row: RunNotification): Promise<void> {
    const attempts = row.attempts + 1;
    const log = { runId: row.runId, receiver: row.receiver, attempt: attempts };
    try {
      const outcome = await this.send(tx, row);
      await tx.runNotification.update({
        where: { id: row.id },
        data: { outcome: 'DELIVERED', attempts, statusCode: outcome.statusCode, error: '', deliveredAt: this.now() },
      });
      this.deps.logger.info(log, 'notification delivered');
    } catch (error) {
      const failure = error instanceof DeliveryError ? error : new DeliveryError((error as Error).message, null, false);
      const isFinal = failure.isPermanent || attempts >= this.deps.settings.maxAttempts;
      const backoff = BASE_BACKOFF_MS * 2 ** (attempts - 1);
      await tx.runNotification.update({
        where: { id: row.id },
        data: {
          outcome: isFinal ? 'FAILED' : 'PENDING',
          attempts,
          statusCode: failure.statusCode,
          error: failure.message.slice(0, 1000),
          nextAttemptAt: new Date(this.now().getTime() + backoff),
        },
      });
      this.deps.logger.warn({ ...log, err: failure.message, isFinal }, 'notification delivery failed');
    }
  }

  private async send(tx: Tx, row: RunNotification): Promise<SendOutcome> {
    const run = await tx.workflowRun.findUniqueOrThrow({
      where: { id: row.runId },
      include: {
        stageRuns: { orderBy: { stage: 'asc' } },
        workflow: { include: { notification: true, project: { include: { tenant: true } } } },
      },
    });
    const config = run.workflow.notification;
    const receiver = ((config?.receivers ?? []) as unknown as StoredReceiver[]).find((r) => r.name === row.receiver);
    if (!config || !receiver || receiver.type !== row.type) {
      throw new DeliveryError(`receiver "${row.receiver}" was removed from the workflow's notifications`, null, true);
    }
    const secrets = this.deps.box.openJson(config.secretCiphertext);
    const summary = toSummary(run, this.deps.settings.publicUrl, row);
    const { timeoutMs } = this.deps.settings;
    if (receiver.type === 'WEBHOOK') {
      return sendWebhook(receiver.url as string, summary, {
        secret: secrets[`${receiver.name}.secret`],
        deliveryId: row.id,
        timeoutMs,
      });
    }
    if (receiver.type === 'SLACK') return sendSlack(secrets[`${receiver.name}.url`] as string, summary, timeoutMs);
    const integration = await tx.integration.findUnique({
      where: { tenantId_name: { tenantId: run.workflow.project.tenantId, name: receiver.integration as string } },
    });
    if (!integration) throw new DeliveryError(`SMTP integration "${receiver.integration}" does not exist`, null, true);
    const smtp = smtpSettingsOf(
      integration.config as Record<string, unknown>,
      this.deps.box.openJson(integration.secretCiphertext),
    );
    if (typeof smtp === 'string')
      throw new DeliveryError(`SMTP integration "${integration.name}": ${smtp}`, null, true);
    return sendEmail(smtp, receiver.to ?? [], summary, timeoutMs);
  }
}

type RunWithContext = {
  id: string;
  number: number;
  phase: string;
  message: string;
  trigger: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  stageRuns: { stage: string; phase: string; exitCode: number | null; attempt: number }[];
  workflow: { name: string; project: { name: string; tenant: { name: string } } };
};

/** The summary of a delivery: the run's end, or an approval stage's request (its link opens that stage). */
function toSummary(
  run: RunWithContext,
  publicUrl: string,
  row: Pick<RunNotification, 'event' | 'stage'>,
): NotificationPayload {
  const project = run.workflow.project;
  const isApproval = row.event === 'stage.approvalRequested';
  const page = `${publicUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(project.name)}/workflows/${encodeURIComponent(run.workflow.name)}/runs/${run.id}`;
  return {
    event: isApproval ? 'stage.approvalRequested' : 'workflowRun.finished',
    ...(isApproval ? { stage: row.stage } : {}),
    tenant: project.tenant.name,
    project: project.name,
    workflow: run.workflow.name,
    run: {
      id: run.id,
      number: run.number,
      phase: run.phase,
      message: run.message,
      trigger: run.trigger,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      durationMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
      url: isApproval ? `${page}?stage=${encodeURIComponent(row.stage)}` : page,
    },
    stages: run.stageRuns.map((s) => ({ name: s.stage, phase: s.phase, exitCode: s.exitCode, attempt: s.attempt })),
  };
}
