import { isTimeZone } from '@cyclone/domain';
import { Arg, Authorized, Int, Query, Resolver } from 'type-graphql';
import { nextSlots } from '../../controller/cron-schedule.js';
import { badInput } from '../../errors/app-error.js';
import { nextCronFire } from '../../modules/triggers/triggers.rules.js';

/**
 * Schedule maths for forms: the trigger drawer shows the next fire times of a cron
 * expression while it is typed, before any trigger exists. Pure, so it needs no tenant.
 */
@Resolver()
export class CronPreviewResolver {
  @Authorized()
  @Query(() => [Date], {
    description:
      'The next `count` fire times (instants, 1–100, default 5) of a five-field cron schedule read in `timezone` (IANA, default UTC); BAD_USER_INPUT on field "cron" or "timezone" with the reason when it is not valid.',
  })
  cronSchedulePreview(
    @Arg('cron', () => String) cron: string,
    @Arg('count', () => Int, { nullable: true, defaultValue: 5 }) count: number,
    @Arg('timezone', () => String, { nullable: true }) timezone?: string | null,
  ): Date[] {
    if (!Number.isInteger(count) || count < 1 || count > 100) throw badInput('count', 'must be between 1 and 100');
    const tz = timezone ?? 'UTC';
    if (!isTimeZone(tz)) throw badInput('timezone', `"${tz}" is not an IANA time zone such as Europe/Berlin or UTC`);
    const now = new Date();
    nextCronFire(cron, 'cron', now, tz);
    return nextSlots(cron.trim(), now, count, tz);
  }
}
