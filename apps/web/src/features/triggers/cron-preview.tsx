'use client';

import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Skeleton } from '@/components/ui/skeleton';
import { useDebounced } from '@/features/settings/use-debounced';
import { useI18n } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { isPermanentError } from '@/lib/graphql/errors';
import { queryKeys } from '@/lib/query-keys';
import { cronFieldCount, isKnownTimeZone } from './trigger-form';
import { CronPreviewDocument } from './triggers.documents';
import styles from './triggers.module.css';

/**
 * Formats a fire time in the schedule's time zone (UTC unless the trigger names one), in
 * UTC and in the browser's time zone.
 */
export function formatFireTime(
  iso: string,
  locale: string,
  timeZone = 'UTC',
): { zoned: string; utc: string; local: string } {
  const date = new Date(iso);
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
  return {
    zoned: new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(date),
    utc: new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(date),
    local: new Intl.DateTimeFormat(locale, options).format(date),
  };
}

/**
 * Validates the schedule as it is typed (the server's parser has the last word) and lists
 * its next five fire times, or says what is wrong with it.
 */
export function CronPreview({ expression, timezone, id }: { expression: string; timezone: string; id: string }) {
  const { t, locale } = useI18n();
  const settled = useDebounced(expression.trim().replace(/\s+/g, ' '), 250);
  const zone = useDebounced(timezone.trim() || 'UTC', 250);
  const fields = cronFieldCount(settled);
  const isZoneKnown = isKnownTimeZone(zone);
  const query = useQuery({
    queryKey: queryKeys.triggers.cronPreview(settled, zone),
    queryFn: ({ signal }) => request(CronPreviewDocument, { cron: settled, timezone: zone }, { signal }),
    enabled: fields === 5 && isZoneKnown,
    retry: (count, error) => !isPermanentError(error) && count < 2,
    staleTime: 30_000,
  });

  let body: ReactNode;
  if (fields !== 5) {
    body = (
      <p className={styles.error} role="alert">
        {t('triggers.cron.fieldCount', { count: fields })}
      </p>
    );
  } else if (!isZoneKnown) {
    body = (
      <p className={styles.error} role="alert">
        {t('triggers.cron.badZone', { zone })}
      </p>
    );
  } else if (query.isLoading) {
    body = (
      <div aria-busy="true" className={styles.previewSkeleton}>
        <Skeleton width="60%" />
        <Skeleton width="55%" />
        <Skeleton width="58%" />
      </div>
    );
  } else if (query.error) {
    body = (
      <p className={styles.error} role="alert">
        {query.error instanceof Error ? query.error.message : t('errors.generic')}
      </p>
    );
  } else {
    body = (
      <ol className={styles.fireTimes} aria-label={t('triggers.cron.nextFireTimes')}>
        {(query.data?.cronSchedulePreview ?? []).map((time) => {
          const { zoned, utc, local } = formatFireTime(time, locale, zone);
          return (
            <li key={time}>
              <time dateTime={time}>
                {zoned} {zone}
              </time>
              {zone !== 'UTC' ? <span className={styles.muted}> · {utc} UTC</span> : null}
              {local !== zoned && local !== utc ? (
                <span className={styles.muted}> · {t('triggers.cron.local', { time: local })}</span>
              ) : null}
            </li>
          );
        })}
      </ol>
    );
  }
  return (
    <div id={id} className={styles.preview} aria-live="polite">
      <p className={styles.previewTitle}>{t('triggers.cron.nextFireTimes')}</p>
      {body}
    </div>
  );
}
