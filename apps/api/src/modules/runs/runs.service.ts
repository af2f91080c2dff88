import {
  dnsLabelSchema,
  durationTextSchema,
  durationTextToMs,
  isTerminalRunPhase,
  LIMITS,
  nameValueSchema,
  runVolumesSchema,
} from '@cyclone/domain';
import { z } from 'zod';
import { notifyControllers, notifyRunChanged } from '../../db/notification-hub.js';
import type { PlainSql } from '../../db/plain-sql.js';
import type { Db } from '../../db/prisma.js';
import { badInput, conflict, notFound } from '../../errors/app-error.js';
import type { WorkflowRun } from '../../generated/prisma/client.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireProject } from '../shared/access.js';
import { runMutation, runSqlMutation } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { toWorkflowSpec, workflowsRepository } from '../workflows/workflows.repository.js';
import { requireExecutionCluster } from './execution-cluster.js';
import { requireRun } from './run-access.js';
import { createRunInTx } from './run-create.js';
import { healedSpec } from './run-heal.js';
import type { RunNumbers } from './run-numbers.js';
import { healedVersion, type RetryHeal, reusedStagesOf } from './run-retry.js';
import { storedRunVolumes } from './stored-run-volumes.js';

const runWorkflowSchema = z.object({
  tenant: z.string(),
  project: z.string(),
  workflow: z.string(),
  parameters: z.array(nameValueSchema).max(LIMITS.listItems).nullish(),
  timeout: durationTextSchema.refine((text) => atLeastOneSecond(text), { message: 'must be at least 1s' }).nullish(),
  executionCluster: z.string().min(1).max(253).nullish(),
  startStages: z.array(z.string().max(63)).max(LIMITS.listItems).nullish(),
  endStages: z.array(z.string().max(63)).max(LIMITS.listItems).nullish(),
  acceleration: z.boolean().nullish(),
  serviceAccount: dnsLabelSchema.nullish(),
  volumes: runVolumesSchema.nullish(),
});

/** Malformed text is reported by the format check before this one. */
function atLeastOneSecond(text: string): boolean {
  try {
    return durationTextToMs(text) >= 1000;
  } catch {
    return true;
  }
}

export type RunWorkflowInputShape = z.input<typeof runWorkflowSchema>;

/**
 * Starting and steering runs (DEVELOPER and up). The mutations only record intent
 * (a new run, a stop or pause request); the controller acts on it.
 */
export class RunsService {
  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      numbers?: RunNumbers;
      /** runWorkflow's transactions (the submit path of every trigger): plain pg, see SqlTx. */
      sql: PlainSql;
    },
  ) {}

  async close(): Promise<void> {
    await this.deps.numbers?.close();
    await this.deps.sql.close();
  }

  async runWorkflow(actor: AuthUser, input: RunWorkflowInputShape): Promise<WorkflowRun> {
    const subject = { action: 'workflowRun.create', objectType: 'WorkflowRun', objectName: String(input.workflow) };
    const run = await runSqlMutation(this.deps, actor, subject, async (tx, audited) => {
      const { tenant, project } = await requireProject(tx, actor, input.tenant, input.project, 'DEVELOPER');
      audited.tenantId = tenant.id;
      const parsed = parseInput(runWorkflowSchema, input);
      const workflow = await workflowsRepository.findRefByName(tx, project.id, parsed.workflow);
      if (!workflow) throw notFound(`workflow "${parsed.workflow}" in project "${project.name}"`);
      if (parsed.executionCluster) await requireExecutionCluster(tx, tenant.id, parsed.executionCluster);
      const run = await createRunInTx(tx, workflow.id, {
        executionCluster: parsed.executionCluster,
        parameters: parsed.parameters ?? [],
        timeoutSeconds: parsed.timeout ? Math.ceil(durationTextToMs(parsed.timeout) / 1000) : null,
        createdById: actor.id,
        numbers: this.deps.numbers,
        ...(parsed.acceleration != null ? { acceleration: parsed.acceleration } : {}),
        serviceAccount: parsed.serviceAccount,
        volumes: parsed.volumes ?? [],
        ...(parsed.startStages?.length || parsed.endStages?.length
          ? {
              selection: {
                startStages: parsed.startStages ?? [],
                endStages: parsed.endStages ?? [],
                field: 'input',
              },
            }
          : {}),
      });
      audited.objectName = `${workflow.name}#${run.number}`;
      return run;
    });
    // In the mutation's span: with tracing on, the line carries the run's trace_id.
    this.deps.logger.info({ runId: run.id, workflow: input.workflow, number: run.number }, 'run created');
    return run;
  }

  /**
   * A new run of the same version with the same parameters and timeout. Stages that
   * succeeded in the original and are neither `fromStage` nor downstream of it are
   * copied as SUCCEEDED with their outputs, never run again (see reusableStages).
   * With `overrides` the failed run is healed in place: those stages (matched by name)
   * run as given, from a version of their own (the workflow's new current version with
   * `saveAsNewVersion`, else one kept beside it), and restart like `fromStage`.
   */
  async retryWorkflowRun(
    actor: AuthUser,
    id: string,
    fromStage?: string | null,
    heal: RetryHeal = {},
  ): Promise<WorkflowRun> {
    const subject = { action: 'workflowRun.retry', objectType: 'WorkflowRun', objectName: id };
    const run = await runMutation(this.deps, actor, subject, async (tx, audited) => {
      const found = await requireRun(tx, actor, id, 'DEVELOPER');
      audited.tenantId = found.tenantId;
      const name = `${found.workflowName}#${found.run.number}`;
      audited.objectName = name;
      const original = await tx.workflowRun.findUniqueOrThrow({
        where: { id },
        include: { version: { select: { spec: true } }, stageRuns: true, workflow: { select: { projectId: true } } },
      });
      if (!isTerminalRunPhase(original.phase)) {
        throw conflict(`run ${name} is still ${original.phase}; stop it or wait until it finishes, then retry`);
      }
      const spec = toWorkflowSpec(original.version.spec);
      if (fromStage != null && !spec.stages.some((stage) => stage.name === fromStage)) {
        const names = spec.stages.map((stage) => stage.name).join(', ');
        throw badInput('fromStage', `run ${name} has no stage "${fromStage}"; its stages are: ${names}`);
      }
      const overrides = heal.overrides ?? [];
      const healed =
        overrides.length > 0
          ? await healedVersion(tx, {
              workflowId: original.workflowId,
              projectId: original.workflow.projectId,
              workflowName: found.workflowName,
              spec: healedSpec(spec, overrides),
              saveAsNewVersion: heal.saveAsNewVersion ?? false,
              creatorId: actor.id,
            })
          : undefined;
      const overridden = overrides.map((stage) => stage.name);
      const restartFrom = [...(fromStage != null ? [fromStage] : []), ...overridden];
      const retry = await createRunInTx(tx, original.workflowId, {
        parameters: (original.parameters ?? []) as { name: string; value: string }[],
        timeoutSeconds: original.timeoutSeconds,
        createdById: actor.id,
        versionId: healed?.versionId ?? original.versionId,
        retryOfId: original.id,
        overriddenStages: overridden,
        // A retry covers the same part of the workflow as its original.
        selection: { startStages: original.startStages, endStages: original.endStages, field: 'input' },
        acceleration: original.acceleration,
        executionCluster: original.executionCluster,
        serviceAccount: original.serviceAccount,
        volumes: storedRunVolumes(original.volumes),
        reusedStages: reusedStagesOf(healed?.spec ?? spec, original, restartFrom),
        // A healing retry holds the workflow's row lock (its new version): numbering on a
        // second connection would wait for this very transaction, so it numbers inside it.
        ...(healed ? {} : { numbers: this.deps.numbers }),
        // A retry of a run nobody approved runs the same untrusted code: it waits for approval too.
        ...(original.approvalReason && !original.approvedAt ? { approvalReason: original.approvalReason } : {}),
      });
      audited.objectName = `${found.workflowName}#${retry.number}`;
      return retry;
    });
    return run;
  }

  /**
   * Kills what runs and cancels the run once its finally stages have run; a second stop
   * kills those too. Stopping a finished run changes nothing.
   */
  stopWorkflowRun(actor: AuthUser, id: string): Promise<WorkflowRun> {
    return this.steer(actor, id, 'workflowRun.stop', (run) => {
      if (isTerminalRunPhase(run.phase) || run.stopForcedAt) return undefined;
      return run.stopRequestedAt ? { stopForcedAt: new Date() } : { stopRequestedAt: new Date() };
    });
  }

  pauseWorkflowRun(actor: AuthUser, id: string): Promise<WorkflowRun> {
    return this.steer(actor, id, 'workflowRun.pause', (run) => {
      if (isTerminalRunPhase(run.phase))
        throw conflict(`run is already ${run.phase}; only an active run can be paused`);
      return run.pausedAt ? undefined : { pausedAt: new Date() };
    });
  }

  resumeWorkflowRun(actor: AuthUser, id: string): Promise<WorkflowRun> {
    return this.steer(actor, id, 'workflowRun.resume', (run) => {
      if (isTerminalRunPhase(run.phase))
        throw conflict(`run is already ${run.phase}; only an active run can be resumed`);
      return run.pausedAt ? { pausedAt: null } : undefined;
    });
  }

  /**
   * Lets a run that waits for a member's approval (a fork's pull request, an author who
   * is not a member) go on: it is queued like any run and gets the tenant's secrets.
   * DEVELOPER and up; approving twice changes nothing; CONFLICT for a run that needs no
   * approval or has ended.
   */
  async approveWorkflowRun(actor: AuthUser, id: string): Promise<WorkflowRun> {
    const subject = { action: 'workflowRun.approve', objectType: 'WorkflowRun', objectName: id };
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const found = await requireRun(tx, actor, id, 'DEVELOPER');
      audited.tenantId = found.tenantId;
      const name = `${found.workflowName}#${found.run.number}`;
      audited.objectName = name;
      await tx.$queryRaw`SELECT 1 FROM workflow_runs WHERE id = ${id}::uuid FOR UPDATE`;
      const run = await tx.workflowRun.findUniqueOrThrow({ where: { id } });
      if (!run.approvalReason) throw conflict(`run ${name} needs no approval; it runs like any other`);
      if (run.approvedAt) return run;
      if (isTerminalRunPhase(run.phase)) {
        throw conflict(`run ${name} is already ${run.phase}; retry it to run it again`);
      }
      const approved = await tx.workflowRun.update({
        where: { id },
        data: { approvedAt: new Date(), approvedById: actor.id, message: '' },
      });
      // The commit status says "waiting for approval" until now: post "running" next.
      await tx.scmRunStatus.updateMany({
        where: { runId: id, finalPostedAt: null },
        data: { pendingPostedAt: null, nextAttemptAt: new Date(), attempts: 0 },
      });
      await notifyRunChanged(tx, id);
      await notifyControllers(tx, id);
      return approved;
    });
  }

  private async steer(
    actor: AuthUser,
    id: string,
    action: string,
    change: (run: WorkflowRun) => { stopRequestedAt?: Date; stopForcedAt?: Date; pausedAt?: Date | null } | undefined,
  ): Promise<WorkflowRun> {
    const subject = { action, objectType: 'WorkflowRun', objectName: id };
    const run = await runMutation(this.deps, actor, subject, async (tx, audited) => {
      const found = await requireRun(tx, actor, id, 'DEVELOPER');
      audited.tenantId = found.tenantId;
      audited.objectName = `${found.workflowName}#${found.run.number}`;
      await tx.$queryRaw`SELECT 1 FROM workflow_runs WHERE id = ${id}::uuid FOR UPDATE`;
      const current = await tx.workflowRun.findUniqueOrThrow({ where: { id } });
      const data = change(current);
      if (!data) return current;
      await notifyRunChanged(tx, id);
      await notifyControllers(tx, id);
      return tx.workflowRun.update({ where: { id }, data });
    });
    return run;
  }
}
