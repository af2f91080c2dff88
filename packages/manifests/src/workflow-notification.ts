import type { FieldReader, Obj } from './fields.js';

export const NOTIFICATION_POLICIES = ['ALWAYS', 'FAILURE', 'SUCCESS'] as const;
export const NOTIFICATION_RECEIVER_TYPES = ['EMAIL', 'SLACK', 'WEBHOOK'] as const;

/**
 * The original Cyclone's Workflow `spec.notification`: when (policy) and to whom
 * (receivers of a type, each with its addresses: email addresses, Slack incoming webhook
 * URLs, webhook URLs). The API maps it onto the workflow's notifications.
 */
export interface WorkflowNotificationSpec {
  policy: (typeof NOTIFICATION_POLICIES)[number];
  receivers: { type: (typeof NOTIFICATION_RECEIVER_TYPES)[number]; addresses: string[] }[];
}

/** The original's spelling of each value (`Always`, `Email`…), read in any case. */
const spelling = (value: string) => value.charAt(0) + value.slice(1).toLowerCase();

function oneOf<T extends string>(values: readonly T[], text: string | undefined): T | undefined {
  return values.find((value) => value === text?.toUpperCase());
}

/**
 * Reads `spec.notification {policy, receivers: [{type, addresses}]}`; absent: undefined
 * (the workflow's notifications stay as they are). No receivers turns them off.
 */
export function readWorkflowNotification(
  r: FieldReader,
  spec: Obj,
  p: string,
): { value?: WorkflowNotificationSpec; refused: boolean } {
  const at = `${p}.notification`;
  const notification = r.object(spec.notification, at);
  if (!notification) return { refused: spec.notification !== undefined && spec.notification !== null };
  let refused = false;
  const policyText = r.string(notification, 'policy', at);
  const policy = policyText === undefined ? 'ALWAYS' : oneOf(NOTIFICATION_POLICIES, policyText);
  if (!policy) {
    r.fail(`${at}.policy`, `must be one of ${NOTIFICATION_POLICIES.map(spelling).join(', ')}`);
    refused = true;
  }
  const receivers = r.objects(notification, 'receivers', at).map(({ item, path }) => {
    const typeText = r.string(item, 'type', path, true);
    const type = oneOf(NOTIFICATION_RECEIVER_TYPES, typeText);
    if (typeText !== undefined && !type) {
      r.fail(`${path}.type`, `must be one of ${NOTIFICATION_RECEIVER_TYPES.map(spelling).join(', ')}`);
    }
    if (!type) refused = true;
    return { type: type ?? 'WEBHOOK', addresses: r.strings(item, 'addresses', path) };
  });
  if (refused || !policy) return { refused: true };
  return { value: { policy, receivers }, refused: false };
}

/** `spec.notification` as printed: the original's spellings; none prints nothing. */
export function encodeWorkflowNotification(notification: WorkflowNotificationSpec | undefined) {
  if (!notification) return undefined;
  return {
    policy: spelling(notification.policy),
    receivers: notification.receivers.map((receiver) => ({
      type: spelling(receiver.type),
      addresses: [...receiver.addresses],
    })),
  };
}
