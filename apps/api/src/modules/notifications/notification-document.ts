import type { WorkflowNotificationSpec } from '@cyclone/manifests';
import type { Db } from '../../db/prisma.js';
import { AppError, badInput } from '../../errors/app-error.js';
import type { SecretBox } from '../integrations/secret-box.js';
import type { Tx } from '../shared/mutation.js';
import { documentFromReceivers, receiversFromDocument } from './notification-document.rules.js';
import { type StoredReceiver, smtpSettingsOf } from './notifications.rules.js';
import { receiverSecretsOf, saveWorkflowNotifications } from './notifications.service.js';

/**
 * Applies a Workflow document's `spec.notification` (notification-document.rules.ts
 * says how receivers map) inside the apply's transaction. Problems name the document's
 * field. An Email receiver sends through the tenant's one GENERAL integration with SMTP
 * settings, or the one a receiver of the same name used before.
 */
export async function applyNotificationDocument(
  tx: Tx,
  box: SecretBox,
  scope: { tenantId: string; workflowId: string },
  notification: WorkflowNotificationSpec,
  field: string,
): Promise<void> {
  const previous = await tx.workflowNotification.findUnique({ where: { workflowId: scope.workflowId } });
  const stored = receiverSecretsOf(box, previous);
  const previousReceivers = (previous?.receivers ?? []) as unknown as StoredReceiver[];
  const smtp = await smtpIntegrations(tx, scope.tenantId);
  const mapped = receiversFromDocument(notification, field, {
    stored,
    smtpIntegration: (name) => {
      const before = previousReceivers.find((r) => r.name === name && r.type === 'EMAIL')?.integration;
      if (before && smtp.includes(before)) return before;
      if (smtp.length === 1) return smtp[0] as string;
      return smtp.length === 0
        ? { problem: 'the tenant has no GENERAL integration with SMTP settings (smtpHost, from) to send mail through' }
        : {
            problem: `the tenant has several GENERAL integrations with SMTP settings (${smtp.join(', ')}): set the receiver with setWorkflowNotifications`,
          };
    },
    webhookKey: (url) => {
      const same = previousReceivers.find((r) => r.type === 'WEBHOOK' && r.url === url && stored[`${r.name}.secret`]);
      return same ? stored[`${same.name}.secret`] : undefined;
    },
  });
  if ('message' in mapped) throw badInput(mapped.field, mapped.message);
  try {
    const raw = {
      tenant: '',
      project: '',
      workflow: '',
      policy: notification.policy,
      receivers: mapped.map((receiver) => receiver.input),
    };
    await saveWorkflowNotifications(tx, box, scope, raw, stored);
  } catch (error) {
    // parseNotifications names `input.receivers[i]…`: the document's field says more.
    const at = error instanceof AppError ? /^input\.receivers\[(\d+)\]/.exec(String(error.details.field ?? '')) : null;
    const receiver = at ? mapped[Number(at[1])] : undefined;
    if (!(error instanceof AppError) || !receiver) throw error;
    throw badInput(receiver.field, error.message.slice(String(error.details.field).length + 2));
  }
}

/** The GENERAL integrations of the tenant with SMTP settings (host and from; a password is optional), by name. */
async function smtpIntegrations(tx: Tx, tenantId: string): Promise<string[]> {
  const rows = await tx.integration.findMany({
    where: { tenantId, type: 'GENERAL' },
    select: { name: true, config: true },
    orderBy: { name: 'asc' },
  });
  return rows
    .filter((row) => typeof smtpSettingsOf((row.config ?? {}) as Record<string, unknown>, {}) !== 'string')
    .map((row) => row.name);
}

/** A workflow's notifications as its exported document says them; none when it has no settings. */
export async function notificationDocumentOf(
  db: Db,
  workflowId: string,
): Promise<WorkflowNotificationSpec | undefined> {
  const row = await db.workflowNotification.findUnique({ where: { workflowId } });
  return row ? documentFromReceivers(row.policy, row.receivers as unknown as StoredReceiver[]) : undefined;
}
