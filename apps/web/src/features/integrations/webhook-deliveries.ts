import type { Phase } from '@/lib/phases';
import type { WebhookDeliveryRow, WebhookOutcome } from './integration-detail.documents';

/** Outcomes borrow the run palette, so "rejected" reads like a failure at a glance. */
export const OUTCOME_PHASE: Record<WebhookOutcome, Phase> = {
  ACCEPTED: 'SUCCEEDED',
  IGNORED: 'SKIPPED',
  REJECTED: 'FAILED',
  // The SCM server could not be asked; its redelivery retries, so this waits rather than fails.
  FAILED: 'WAITING',
};

/** Where the SCM server posts events of this integration (prefix with the public URL). */
export function integrationWebhookPath(integrationId: string): string {
  return `/webhooks/${integrationId}`;
}

/** The integration's own page in the Integration Center. */
export function integrationHref(name: string): string {
  return `/integrations/${encodeURIComponent(name)}`;
}

/** How many deliveries ended each way, for the panel's one-line summary. */
export function countOutcomes(rows: readonly Pick<WebhookDeliveryRow, 'outcome'>[]): Record<WebhookOutcome, number> {
  const counts: Record<WebhookOutcome, number> = { ACCEPTED: 0, IGNORED: 0, REJECTED: 0, FAILED: 0 };
  for (const row of rows) counts[row.outcome] += 1;
  return counts;
}

/** Date and time to the second: deliveries often arrive within the same minute. */
export function formatReceivedAt(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}
