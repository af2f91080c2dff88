import type { WorkflowNotificationSpec } from '@cyclone/manifests';
import type { NotificationPolicy } from '../../generated/prisma/enums.js';
import type { ReceiverSecrets, StoredReceiver } from './notifications.rules.js';

/**
 * The original Cyclone's Workflow `spec.notification` and Cyclone's receivers, both ways
 * (pure). A document's receiver n (1-based) becomes one EMAIL receiver `email-<n>` with
 * all its addresses, or one SLACK / WEBHOOK receiver per address, `slack-<n>-<m>`; the
 * export groups them back by those names (others each print as a receiver of their own).
 * A Slack URL is sealed, so it is exported as `sealed:<receiver>`: applied to the same
 * workflow, that keeps the stored URL.
 */

export const SEALED_PREFIX = 'sealed:';

/** A receiver for parseNotifications, with the document field it came from. */
export interface ReceiverFromDocument {
  input: {
    name: string;
    type: StoredReceiver['type'];
    url?: string;
    to?: string[];
    integration?: string;
    secret?: string;
  };
  field: string;
}

export interface DocumentContext {
  /** The workflow's stored receiver secrets: a Slack URL exported as `sealed:<name>`. */
  stored: ReceiverSecrets;
  /** The GENERAL integration the EMAIL receiver of this name sends through, or why there is none. */
  smtpIntegration: (name: string) => string | { problem: string };
  /** The signing key a WEBHOOK receiver of this URL had: kept, as the document cannot say it. */
  webhookKey: (url: string) => string | undefined;
}

/**
 * The receivers a document's notification stands for, or a problem (field, message)
 * when one cannot be made: no address, a sealed URL this workflow does not hold, no
 * SMTP integration to send mail through.
 */
export function receiversFromDocument(
  notification: WorkflowNotificationSpec,
  field: string,
  context: DocumentContext,
): ReceiverFromDocument[] | { field: string; message: string } {
  const out: ReceiverFromDocument[] = [];
  for (const [i, receiver] of notification.receivers.entries()) {
    const at = `${field}.receivers[${i}]`;
    if (receiver.addresses.length === 0) return { field: `${at}.addresses`, message: 'needs at least one address' };
    const n = i + 1;
    if (receiver.type === 'EMAIL') {
      const name = `email-${n}`;
      const integration = context.smtpIntegration(name);
      if (typeof integration !== 'string') return { field: `${at}.type`, message: integration.problem };
      out.push({ input: { name, type: 'EMAIL', to: [...receiver.addresses], integration }, field: `${at}.addresses` });
      continue;
    }
    for (const [j, address] of receiver.addresses.entries()) {
      const name = `${receiver.type.toLowerCase()}-${n}-${j + 1}`;
      let url = address;
      if (address.startsWith(SEALED_PREFIX)) {
        const sealed = context.stored[`${address.slice(SEALED_PREFIX.length)}.url`];
        if (receiver.type !== 'SLACK' || !sealed) {
          return {
            field: `${at}.addresses[${j}]`,
            message: `${address} names no Slack URL stored for this workflow: give the URL itself`,
          };
        }
        url = sealed;
      }
      const secret = receiver.type === 'WEBHOOK' ? context.webhookKey(url) : undefined;
      out.push({
        input: { name, type: receiver.type, url, ...(secret ? { secret } : {}) },
        field: `${at}.addresses[${j}]`,
      });
    }
  }
  return out;
}

const GROUPED = /^(email|slack|webhook)-(\d+)(?:-\d+)?$/;

/** The workflow's notification as a document says it (see the header). */
export function documentFromReceivers(
  policy: NotificationPolicy,
  receivers: readonly StoredReceiver[],
): WorkflowNotificationSpec {
  const out: WorkflowNotificationSpec['receivers'] = [];
  let lastGroup: string | undefined;
  for (const receiver of receivers) {
    const match = GROUPED.exec(receiver.name);
    const group = match && match[1] === receiver.type.toLowerCase() ? `${match[1]}-${match[2]}` : undefined;
    const addresses =
      receiver.type === 'EMAIL'
        ? [...(receiver.to ?? [])]
        : [receiver.type === 'SLACK' ? `${SEALED_PREFIX}${receiver.name}` : (receiver.url ?? '')];
    const last = out.at(-1);
    if (group && group === lastGroup && last && receiver.type !== 'EMAIL') last.addresses.push(...addresses);
    else out.push({ type: receiver.type, addresses });
    lastGroup = group;
  }
  return { policy, receivers: out };
}
