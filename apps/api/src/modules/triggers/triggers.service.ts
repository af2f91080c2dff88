import { type TriggerSpec, triggerSpecSchema } from '@cyclone/domain';
import type { Db } from '../../db/prisma.js';
import { notFound } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import { requireProject } from '../shared/access.js';
import { runMutation, type Tx } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';
import type { RepositoryWebhooks } from '../webhooks/repository-webhooks.js';
import { syncTriggerWebhooks } from '../webhooks/trigger-webhook-sync.js';
import { workflowsRepository } from '../workflows/workflows.repository.js';
import { type TriggerRow, upsertTrigger } from './triggers.repository.js';

export interface TriggerRefShape {
  tenant: string;
  project: string;
  workflow: string;
  name: string;
}

export interface TriggerInputShape extends TriggerRefShape {
  type: string;
  cron?: string | null;
  timezone?: string | null;
  concurrencyPolicy?: string | null;
  startingDeadlineSeconds?: number | null;
  scm?: {
    integration: string;
    repo: string;
    push?: { branches?: string[] | null } | null;
    tagRelease?: boolean | null;
    pullRequest?: { branches?: string[] | null } | null;
    pullRequestComment?: { comments?: string[] | null; users?: string[] | null } | null;
    workflowFromRevision?: boolean | null;
  } | null;
  parameters?: { name: string; value: string }[] | null;
  enabled?: boolean | null;
}

const field = (name: string) => `input.${name}`;

function toTriggerSpec(input: TriggerInputShape): TriggerSpec {
  const scm = input.scm;
  return parseInput(triggerSpecSchema, {
    name: input.name,
    type: input.type,
    cron: input.cron ?? undefined,
    timezone: input.timezone ?? undefined,
    concurrencyPolicy: input.concurrencyPolicy ?? undefined,
    startingDeadlineSeconds: input.startingDeadlineSeconds ?? undefined,
    scm: scm
      ? {
          integration: scm.integration,
          repo: scm.repo,
          push: scm.push ? { branches: scm.push.branches ?? [] } : undefined,
          tagRelease: scm.tagRelease ?? false,
          pullRequest: scm.pullRequest ? { branches: scm.pullRequest.branches ?? [] } : undefined,
          pullRequestComment: scm.pullRequestComment
            ? { comments: scm.pullRequestComment.comments ?? [], users: scm.pullRequestComment.users ?? [] }
            : undefined,
          workflowFromRevision: scm.workflowFromRevision ?? false,
        }
      : undefined,
    parameters: input.parameters ?? [],
    enabled: input.enabled ?? true,
  });
}

/** Triggers of workflows: DEVELOPERs and up create, replace and delete them. */
export class TriggersService {
  /** repositoryWebhooks registers SCM triggers' repository webhooks (absent: nothing is registered). */
  constructor(private readonly deps: { db: Db; logger: Logger; repositoryWebhooks?: RepositoryWebhooks }) {}

  createTrigger(actor: AuthUser, input: TriggerInputShape): Promise<TriggerRow> {
    return syncTriggerWebhooks(this.deps.repositoryWebhooks, (hooks) =>
      this.write(actor, input, 'workflowTrigger.create', async (tx, scope) => {
        const row = (await upsertTrigger(tx, scope, toTriggerSpec(input), field, 'create')).row;
        await hooks.register(tx, row);
        return row;
      }),
    );
  }

  /** Replaces the trigger's settings with the input (omitted optional fields are cleared). */
  updateTrigger(actor: AuthUser, input: TriggerInputShape): Promise<TriggerRow> {
    return syncTriggerWebhooks(this.deps.repositoryWebhooks, (hooks) =>
      this.write(actor, input, 'workflowTrigger.update', async (tx, scope) => {
        const before = await this.findTrigger(tx, scope.workflowId, input.name);
        const row = (await upsertTrigger(tx, scope, toTriggerSpec(input), field, 'update')).row;
        await hooks.register(tx, row);
        await hooks.release(tx, before);
        return row;
      }),
    );
  }

  deleteTrigger(actor: AuthUser, input: TriggerRefShape): Promise<boolean> {
    return syncTriggerWebhooks(this.deps.repositoryWebhooks, (hooks) =>
      this.write(actor, input, 'workflowTrigger.delete', async (tx, scope) => {
        const before = await this.findTrigger(tx, scope.workflowId, input.name);
        const { count } = await tx.workflowTrigger.deleteMany({
          where: { workflowId: scope.workflowId, name: input.name },
        });
        if (count === 0) throw notFound(`trigger "${input.name}" of workflow "${input.workflow}"`);
        await hooks.release(tx, before);
        return true;
      }),
    );
  }

  private findTrigger(tx: Tx, workflowId: string, name: string) {
    return tx.workflowTrigger.findUnique({ where: { workflowId_name: { workflowId, name } } });
  }

  private write<T>(
    actor: AuthUser,
    input: TriggerRefShape,
    action: string,
    work: (tx: Tx, scope: { tenantId: string; workflowId: string }) => Promise<T>,
  ): Promise<T> {
    const subject = { action, objectType: 'WorkflowTrigger', objectName: `${input.workflow}/${input.name}` };
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const { tenant, project } = await requireProject(tx, actor, input.tenant, input.project, 'DEVELOPER');
      audited.tenantId = tenant.id;
      const workflow = await workflowsRepository.findByName(tx, project.id, input.workflow);
      if (!workflow) throw notFound(`workflow "${input.workflow}" in project "${project.name}"`);
      return work(tx, { tenantId: tenant.id, workflowId: workflow.id });
    });
  }
}
