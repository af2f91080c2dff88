import type { Db } from '../../db/prisma.js';
import { badInput, notFound } from '../../errors/app-error.js';
import type { Prisma, RunNotification, WorkflowNotification } from '../../generated/prisma/client.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { requireProject } from '../shared/access.js';
import { runMutation } from '../shared/mutation.js';
import { workflowsRepository } from '../workflows/workflows.repository.js';
import { type NotificationsInput, parseNotifications, type StoredReceiver } from './notifications.rules.js';

export interface NotificationsView {
  policy: 'ALWAYS' | 'SUCCESS' | 'FAILURE';
  receivers: (StoredReceiver & { hasSecret: boolean })[];
  updatedAt: Date;
}

/**
 * Notification settings of workflows (DEVELOPER and up). Receiver secrets are sealed
 * with the SecretBox like integration secrets and never returned: a view says only
 * whether a receiver has one. An empty receiver list removes the settings.
 */
export class NotificationsService {
  constructor(private readonly deps: { db: Db; logger: Logger; box: SecretBox }) {}

  setWorkflowNotifications(actor: AuthUser, raw: NotificationsInput): Promise<NotificationsView | null> {
    const subject = { action: 'workflow.notifications.set', objectType: 'Workflow', objectName: String(raw.workflow) };
    return runMutation(this.deps, actor, subject, async (tx, audited) => {
      const { tenant, project } = await requireProject(tx, actor, raw.tenant, raw.project, 'DEVELOPER');
      audited.tenantId = tenant.id;
      const workflow = await workflowsRepository.findByName(tx, project.id, raw.workflow);
      if (!workflow) throw notFound(`workflow "${raw.workflow}" in project "${project.name}"`);
      const existing = await tx.workflowNotification.findUnique({ where: { workflowId: workflow.id } });
      const stored = existing ? this.deps.box.openJson(existing.secretCiphertext) : {};
      const { input, receivers, secrets } = parseNotifications(raw, stored);
      for (const [index, receiver] of receivers.entries()) {
        if (receiver.type !== 'EMAIL') continue;
        const integration = await tx.integration.findUnique({
          where: { tenantId_name: { tenantId: tenant.id, name: receiver.integration as string } },
          select: { type: true },
        });
        const field = `input.receivers[${index}].integration`;
        if (!integration) throw badInput(field, `no integration "${receiver.integration}" in this tenant`);
        if (integration.type !== 'GENERAL') {
          throw badInput(
            field,
            `integration "${receiver.integration}" is ${integration.type}; SMTP settings live in a GENERAL integration`,
          );
        }
      }
      if (receivers.length === 0) {
        await tx.workflowNotification.deleteMany({ where: { workflowId: workflow.id } });
        return null;
      }
      const data = {
        policy: input.policy,
        receivers: receivers as unknown as Prisma.InputJsonArray,
        secretCiphertext: this.deps.box.sealJson(secrets),
      };
      const row = await tx.workflowNotification.upsert({
        where: { workflowId: workflow.id },
        create: { workflowId: workflow.id, ...data },
        update: data,
      });
      return toNotificationsView(row, secrets);
    });
  }

  /** The settings as GraphQL shows them, without secrets. */
  view(row: WorkflowNotification): NotificationsView {
    return toNotificationsView(row, this.deps.box.openJson(row.secretCiphertext));
  }
}

function toNotificationsView(row: WorkflowNotification, secrets: Record<string, string>): NotificationsView {
  return {
    policy: row.policy,
    updatedAt: row.updatedAt,
    receivers: (row.receivers as unknown as StoredReceiver[]).map((receiver) => ({
      ...receiver,
      hasSecret: Boolean(secrets[`${receiver.name}.secret`] ?? secrets[`${receiver.name}.url`]),
    })),
  };
}

export type { RunNotification };
