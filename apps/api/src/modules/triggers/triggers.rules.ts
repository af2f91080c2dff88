import { CronExpressionParser } from 'cron-parser';
import { badInput } from '../../errors/app-error.js';

/** Integration types that can send SCM events. */
export const SCM_INTEGRATION_TYPES = ['GITHUB', 'GITLAB', 'BITBUCKET', 'SVN', 'GIT'] as const;

/**
 * Parses a five-field cron expression (minute hour day-of-month month day-of-week)
 * and returns its next fire time after `from`, read in time zone `tz` (IANA, UTC by
 * default). Problems name `field` with the parser's reason.
 */
export function nextCronFire(expression: string, field: string, from: Date = new Date(), tz = 'UTC'): Date {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw badInput(
      field,
      `"${expression}" has ${fields.length} fields; a cron schedule has 5: minute hour day month weekday`,
    );
  }
  try {
    return CronExpressionParser.parse(expression, { currentDate: from, tz }).next().toDate();
  } catch (error) {
    throw badInput(field, `"${expression}" is not a valid cron schedule: ${(error as Error).message}`);
  }
}

/** Where an SCM server sends the events of an integration (docs/contract.md §5). */
export function webhookPath(integrationId: string): string {
  return `/webhooks/${integrationId}`;
}
