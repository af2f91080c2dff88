import type { useT } from '@/i18n/i18n-provider';

/** What a queued run or one in a retry backoff waits for, and about when it starts; approvals and pauses say so elsewhere. */
export function runWaitText(
  wait: {
    reason: string;
    position: number | null;
    limit: number | null;
    estimatedStartAt: string | null;
  } | null,
  t: ReturnType<typeof useT>,
  locale: string,
): string | null {
  if (!wait || wait.reason === 'APPROVAL' || wait.reason === 'PAUSED') return null;
  const key =
    wait.reason === 'GLOBAL_LIMIT' && wait.limit === null
      ? 'runs.wait.GLOBAL_LIMIT_NONE'
      : (`runs.wait.${wait.reason}` as 'runs.wait.TENANT_LIMIT');
  const text = t(key, { position: wait.position ?? 0, limit: wait.limit ?? 0 });
  if (!wait.estimatedStartAt) return text;
  const time = new Date(wait.estimatedStartAt).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  return `${text} · ${t('runs.wait.estimate', { time })}`;
}
