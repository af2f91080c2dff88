import { dnsLabelSchema, LIMITS } from '@cyclone/domain';
import { z } from 'zod';
import { badInput } from '../../errors/app-error.js';
import type { NotificationPolicy, RunPhase } from '../../generated/prisma/enums.js';
import { parseInput } from '../shared/validate-input.js';

export const RECEIVER_TYPES = ['WEBHOOK', 'SLACK', 'EMAIL'] as const;
export type ReceiverType = (typeof RECEIVER_TYPES)[number];

/** A receiver as stored in `workflow_notifications.receivers` (secrets live in the sealed blob). */
export interface StoredReceiver {
  name: string;
  type: ReceiverType;
  /** WEBHOOK: where the JSON is POSTed (a SLACK URL carries a token, so it is sealed instead). */
  url?: string;
  /** EMAIL: recipients. */
  to?: string[];
  /** EMAIL: the GENERAL integration holding the SMTP settings. */
  integration?: string;
}

/** Sealed per receiver: `<name>.secret` (WEBHOOK HMAC key) and `<name>.url` (SLACK webhook URL). */
export type ReceiverSecrets = Record<string, string>;

const httpUrl = z
  .string()
  .max(LIMITS.stringLength)
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v), { message: 'must be an http:// or https:// URL' });

const inputSchema = z.object({
  tenant: z.string(),
  project: z.string(),
  workflow: z.string(),
  policy: z.enum(['ALWAYS', 'SUCCESS', 'FAILURE']),
  receivers: z
    .array(
      z.object({
        name: dnsLabelSchema,
        type: z.enum(RECEIVER_TYPES),
        url: httpUrl.nullish(),
        secret: z.string().min(1, { message: 'must not be empty' }).max(LIMITS.stringLength).nullish(),
        to: z
          .array(z.email({ message: 'must be an email address' }))
          .max(50)
          .nullish(),
        integration: dnsLabelSchema.nullish(),
      }),
    )
    .max(20),
});
export type NotificationsInput = z.input<typeof inputSchema>;

/**
 * Validates a notification config against the stored secrets: a secret (WEBHOOK key,
 * SLACK URL) left out keeps the stored one of the same receiver, since secrets
 * cannot be read back to resend them. Problems name `input.receivers[i].<field>`.
 */
export function parseNotifications(
  raw: unknown,
  stored: ReceiverSecrets,
): { input: z.output<typeof inputSchema>; receivers: StoredReceiver[]; secrets: ReceiverSecrets } {
  const input = parseInput(inputSchema, raw);
  const receivers: StoredReceiver[] = [];
  const secrets: ReceiverSecrets = {};
  const seen = new Set<string>();
  input.receivers.forEach((receiver, index) => {
    const field = (name: string) => `input.receivers[${index}].${name}`;
    if (seen.has(receiver.name)) throw badInput(field('name'), `receiver "${receiver.name}" is listed twice`);
    seen.add(receiver.name);
    const refuse = (name: 'url' | 'secret' | 'to' | 'integration') => {
      if (receiver[name] !== undefined && receiver[name] !== null) {
        throw badInput(field(name), `a ${receiver.type} receiver does not take ${name}`);
      }
    };
    if (receiver.type === 'WEBHOOK') {
      if (!receiver.url) throw badInput(field('url'), 'a WEBHOOK receiver needs the URL to POST to');
      refuse('to');
      refuse('integration');
      receivers.push({ name: receiver.name, type: 'WEBHOOK', url: receiver.url });
      const secret = receiver.secret ?? stored[`${receiver.name}.secret`];
      if (secret) secrets[`${receiver.name}.secret`] = secret;
    } else if (receiver.type === 'SLACK') {
      refuse('secret');
      refuse('to');
      refuse('integration');
      const url = receiver.url ?? stored[`${receiver.name}.url`];
      if (!url) throw badInput(field('url'), 'a SLACK receiver needs its incoming webhook URL');
      receivers.push({ name: receiver.name, type: 'SLACK' });
      secrets[`${receiver.name}.url`] = url;
    } else {
      refuse('url');
      refuse('secret');
      if (!receiver.to?.length) throw badInput(field('to'), 'an EMAIL receiver needs at least one address');
      if (!receiver.integration) {
        throw badInput(field('integration'), 'an EMAIL receiver needs a GENERAL integration with the SMTP settings');
      }
      receivers.push({ name: receiver.name, type: 'EMAIL', to: receiver.to, integration: receiver.integration });
    }
  });
  return { input, receivers, secrets };
}

/** Whether a run that ended in `phase` is notified under `policy` (CANCELLED only under ALWAYS). */
export function isNotified(policy: NotificationPolicy, phase: RunPhase): boolean {
  if (policy === 'ALWAYS') return true;
  if (policy === 'SUCCESS') return phase === 'SUCCEEDED';
  return phase === 'FAILED';
}

/** SMTP settings read from a GENERAL integration (config smtpHost, smtpPort, smtpSecure, from, username; secret password). */
export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  from: string;
  username?: string;
  password?: string;
}

export function smtpSettingsOf(config: Record<string, unknown>, secret: Record<string, string>): SmtpSettings | string {
  const host = config.smtpHost;
  const from = config.from;
  if (typeof host !== 'string' || !host) return 'its config has no smtpHost';
  if (typeof from !== 'string' || !from) return 'its config has no from address';
  const port = Number(config.smtpPort ?? 587);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return 'its config.smtpPort is not a port number';
  return {
    host,
    port,
    secure: config.smtpSecure === true,
    from,
    username: typeof config.username === 'string' ? config.username : undefined,
    password: secret.password,
  };
}
