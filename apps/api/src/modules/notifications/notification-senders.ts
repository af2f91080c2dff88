import nodemailer from 'nodemailer';
import { httpRequest } from '../integration-checks/check-http-client.js';
import { CheckError } from '../integration-checks/check-result.js';
import { statusText } from '../outbound/outbound-http.js';
import { outboundPolicy } from '../outbound/outbound-policy.js';
import { signBody } from '../webhooks/verify-signature.js';
import { emailText, type NotificationPayload, slackMessage } from './notification-payload.js';
import type { SmtpSettings } from './notifications.rules.js';

export interface SendOutcome {
  statusCode: number | null;
}

/** A failed delivery; `isPermanent` ones are not retried (e.g. HTTP 400, 404, a missing SMTP setting). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null,
    readonly isPermanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** JSON POST of the run summary, signed with X-Cyclone-Signature-256 when the receiver has a secret. */
export async function sendWebhook(
  url: string,
  summary: NotificationPayload,
  options: { secret?: string; deliveryId: string; timeoutMs: number },
): Promise<SendOutcome> {
  const body = JSON.stringify(summary);
  return post(url, body, options.timeoutMs, {
    'x-cyclone-event': summary.event,
    'x-cyclone-delivery': options.deliveryId,
    ...(options.secret ? { 'x-cyclone-signature-256': signBody(body, options.secret) } : {}),
  });
}

/** Slack-compatible incoming webhook: `{text, blocks}`. */
export function sendSlack(url: string, summary: NotificationPayload, timeoutMs: number): Promise<SendOutcome> {
  return post(url, JSON.stringify(slackMessage(summary)), timeoutMs, {});
}

export async function sendEmail(
  smtp: SmtpSettings,
  to: string[],
  summary: NotificationPayload,
  timeoutMs: number,
): Promise<SendOutcome> {
  // The SMTP server is tenant input: its address passes the outbound policy, and the
  // connection goes to the checked address (the name is kept for TLS).
  let address: string;
  try {
    address = (await outboundPolicy().resolveChecked(smtp.host))[0]?.address ?? smtp.host;
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new DeliveryError(
      code === 'EOUTBOUND_REFUSED' ? (error as Error).message : `SMTP ${smtp.host}: DNS lookup failed (${code})`,
      null,
      code === 'EOUTBOUND_REFUSED',
    );
  }
  const transport = nodemailer.createTransport({
    host: address,
    port: smtp.port,
    secure: smtp.secure,
    tls: { servername: smtp.host },
    ...(smtp.username ? { auth: { user: smtp.username, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    const { subject, text } = emailText(summary);
    const info = await transport.sendMail({ from: smtp.from, to, subject, text });
    const code = Number(/^(\d{3})/.exec(String(info.response ?? ''))?.[1] ?? 250);
    return { statusCode: code };
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode ?? null;
    const reason = (error as { code?: string }).code ?? 'ERROR';
    // 5xx SMTP replies are permanent (RFC 5321 §4.2.1); 4xx and network errors may pass.
    // The reply code and the error class only: the server's own text never reaches the user.
    throw new DeliveryError(
      `SMTP ${smtp.host}:${smtp.port}: ${reason}${code !== null ? ` (reply ${code})` : ''}`,
      code,
      code !== null && code >= 500,
    );
  } finally {
    transport.close();
  }
}

async function post(
  url: string,
  body: string,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<SendOutcome> {
  let answer: Awaited<ReturnType<typeof httpRequest>>;
  try {
    answer = await httpRequest(url, {
      method: 'POST',
      body,
      timeoutMs,
      maxBytes: 2_000,
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
    });
  } catch (error) {
    throw new DeliveryError(error instanceof CheckError ? error.message : (error as Error).message, null, false);
  }
  if (answer.status >= 200 && answer.status < 300) return { statusCode: answer.status };
  // Client errors other than timeouts and rate limits will not get better by retrying.
  const isPermanent = answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429;
  // The status and its standard reason only: the receiver's body never reaches the user.
  throw new DeliveryError(`HTTP ${statusText(answer.status)}`, answer.status, isPermanent);
}
