import type { Db } from '../db/prisma.js';
import type { Logger } from '../logging/logger.js';
import type { SecretBox } from '../modules/integrations/secret-box.js';
import { createScmProvider, hasScmCredentials } from '../modules/scm/create-provider.js';
import type { CommitState } from '../modules/scm/scm-provider.js';
import type { WebhooksService } from '../modules/webhooks/webhooks.service.js';
import { type Reconciler, WakeableReconciler } from './controller.js';

const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;
const BATCH = 20;

const FINAL_STATE: Record<string, CommitState> = { SUCCEEDED: 'success', FAILED: 'failure', CANCELLED: 'error' };

/** The run page the status links to. */
export function runPageUrl(publicUrl: string, run: { id: string; project: string; workflow: string }): string {
  return `${publicUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(run.project)}/workflows/${encodeURIComponent(run.workflow)}/runs/${run.id}`;
}

/**
 * Posts commit statuses of SCM-triggered runs: pending once the run exists ("is
 * waiting for a member's approval" for a run that needs one, then "is running" again
 * once approved: approveWorkflowRun clears the posted pending), success / failure /
 * error once it finished. Level-triggered from scm_run_statuses,
 * so a restart or a second controller neither loses nor doubles a status: rows are
 * claimed with SKIP LOCKED and a lease, and failures back off and are retried up to
 * MAX_ATTEMPTS times.
 */
export class CommitStatusReconciler extends WakeableReconciler {
  readonly name = 'commit-status';

  constructor(private readonly deps: { db: Db; logger: Logger; box: SecretBox; publicUrl: string }) {
    super();
  }

  protected async reconcileRound(): Promise<{ requeueAfterMs?: number }> {
    const ids = await this.claim();
    for (const runId of ids) await this.post(runId);
    return ids.length === BATCH ? { requeueAfterMs: 0 } : {};
  }

  private claim(): Promise<string[]> {
    return this.deps.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ run_id: string }[]>`
        SELECT s.run_id FROM scm_run_statuses s JOIN workflow_runs r ON r.id = s.run_id
        WHERE s.final_posted_at IS NULL AND s.attempts < ${MAX_ATTEMPTS} AND s.next_attempt_at <= now()
          AND (s.pending_posted_at IS NULL OR r.phase IN ('SUCCEEDED', 'FAILED', 'CANCELLED'))
        ORDER BY s.next_attempt_at LIMIT ${BATCH}
        FOR UPDATE OF s SKIP LOCKED`;
      const ids = rows.map((r) => r.run_id);
      if (ids.length > 0) {
        await tx.scmRunStatus.updateMany({
          where: { runId: { in: ids } },
          data: { nextAttemptAt: new Date(Date.now() + LEASE_MS) },
        });
      }
      return ids;
    });
  }

  private async post(runId: string): Promise<void> {
    const { db, logger } = this.deps;
    const row = await db.scmRunStatus.findUnique({
      where: { runId },
      include: {
        integration: true,
        run: {
          select: {
            phase: true,
            number: true,
            approvalReason: true,
            approvedAt: true,
            workflow: { select: { name: true, project: { select: { name: true } } } },
          },
        },
      },
    });
    if (!row) return;
    const finalState = FINAL_STATE[row.run.phase];
    const state: CommitState = finalState ?? 'pending';
    const now = new Date();
    const done = finalState
      ? { finalState, finalPostedAt: now, ...(row.pendingPostedAt ? {} : { pendingPostedAt: now }) }
      : { pendingPostedAt: now };
    const secret = this.deps.box.openJson(row.integration.secretCiphertext);
    const integration = { type: row.integration.type, config: row.integration.config, secret };
    if (!hasScmCredentials(integration)) {
      // Nothing to post with; recorded so the row is not looked at again.
      await db.scmRunStatus.update({
        where: { runId },
        data: { ...done, lastError: 'the integration has no token or password; no commit status was posted' },
      });
      return;
    }
    const workflow = row.run.workflow;
    try {
      await createScmProvider(integration).setCommitStatus(row.repo, row.sha, {
        state,
        context: `cyclone/${workflow.name}`,
        targetUrl: runPageUrl(this.deps.publicUrl, {
          id: runId,
          project: workflow.project.name,
          workflow: workflow.name,
        }),
        description: describe(state, row.run.number, row.run.approvalReason !== null && row.run.approvedAt === null),
      });
      await db.scmRunStatus.update({
        where: { runId },
        data: { ...done, attempts: 0, lastError: '', nextAttemptAt: now },
      });
    } catch (error) {
      const attempts = row.attempts + 1;
      const delay = Math.min(5_000 * 2 ** row.attempts, 10 * 60_000);
      logger.warn({ err: error, runId, attempts }, 'could not post the commit status; retrying later');
      await db.scmRunStatus.update({
        where: { runId },
        data: {
          attempts,
          lastError: (error as Error).message.slice(0, 1000),
          nextAttemptAt: new Date(Date.now() + delay),
        },
      });
    }
  }
}

function describe(state: CommitState, number: number, isAwaitingApproval: boolean): string {
  const text: Record<CommitState, string> = {
    pending: isAwaitingApproval ? "is waiting for a member's approval" : 'is running',
    success: 'succeeded',
    failure: 'failed',
    error: 'was cancelled',
  };
  return `Cyclone run #${number} ${text[state]}`;
}

/**
 * The controller's loops for SCM webhooks: commit statuses (runs the webhooks start
 * wake it) and the removal of repository webhooks no SCM trigger uses any more.
 */
export function createWebhookReconcilers(
  webhooks: WebhooksService,
  deps: { db: Db; logger: Logger; box: SecretBox; publicUrl: string },
): Reconciler[] {
  const statuses = new CommitStatusReconciler(deps);
  webhooks.onRunCreated(() => statuses.wake());
  const hooks: Reconciler = {
    name: 'repository-webhooks',
    reconcileAll: async () => {
      await webhooks.repositoryWebhooks.sweepOrphans(deps.db);
      return {};
    },
  };
  return [statuses, hooks];
}
