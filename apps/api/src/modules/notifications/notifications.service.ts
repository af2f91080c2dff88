import type { Db } from '../../db/prisma.js';
import { badInput, notFound } from '../../errors/app-error.js';
import type { Prisma, RunNotification, WorkflowNotification } from '../../generated/prisma/client.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthUser } from '../identity/identity.service.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { requireProject } from '../shared/access.js';
import { runMutation, type Tx } from '../shared/mutation.js';
import { workflowsRepository } from '../workflows/workflows.repository.js';
import {
  type NotificationsInput,
  parseNotifications,
  type ReceiverSecrets,
  type StoredReceiver,
} from './notifications.rules.js';

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
      const stored = await storedReceiverSecrets(tx, this.deps.box, workflow.id);
      const scope = { tenantId: tenant.id, workflowId: workflow.id };
      return saveWorkflowNotifications(tx, this.deps.box, scope, raw, stored);
    });
  }

  /** The settings as GraphQL shows them, without secrets. */
  view(row: WorkflowNotification): NotificationsView {
    return toNotificationsView(row, this.deps.box.openJson(row.secretCiphertext));
  }
}

/** The stored secrets of a workflow's receivers (WEBHOOK keys, SLACK URLs); none when it has no settings. */
async function storedReceiverSecrets(tx: Tx, box: SecretBox, workflowId: string): Promise<ReceiverSecrets> {
  return receiverSecretsOf(box, await tx.workflowNotification.findUnique({ where: { workflowId } }));
}

/** The secrets sealed in a workflow's notification settings (its row, already read); none without settings. */
export function receiverSecretsOf(box: SecretBox, row: WorkflowNotification | null): ReceiverSecrets {
  return row ? box.openJson(row.secretCiphertext) : {};
}

/**
 * Replaces a workflow's notification settings inside the caller's transaction (the
 * mutation, an apply of its YAML): validated against `stored`, the secrets stored
 * with the current settings (read by the caller in the same transaction), each EMAIL
 * receiver's integration checked; no receivers removes them.
 */
export async function saveWorkflowNotifications(
  tx: Tx,
  box: SecretBox,
  scope: { tenantId: string; workflowId: string },
  raw: NotificationsInput,
  stored: ReceiverSecrets,
): Promise<NotificationsView | null> {
  const { input, receivers, secrets } = parseNotifications(raw, stored);
  for (const [index, receiver] of receivers.entries()) {
    if (receiver.type !== 'EMAIL') continue;
    const integration = await tx.integration.findUnique({
      where: { tenantId_name: { tenantId: scope.tenantId, name: receiver.integration as string } },
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
    await tx.workflowNotification.deleteMany({ where: { workflowId: scope.workflowId } });
    return null;
  }
  const data = {
    policy: input.policy,
    receivers: receivers as unknown as Prisma.InputJsonArray,
    secretCiphertext: box.sealJson(secrets),
  };
  const row = await tx.workflowNotification.upsert({
    where: { workflowId: scope.workflowId },
    create: { workflowId: scope.workflowId, ...data },
    update: data,
  });
  return toNotificationsView(row, secrets);
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
