import type { useT } from '@/i18n/i18n-provider';

/**
 * What a queued run or one in a retry backoff waits for, and about when it starts;
 * approvals and pauses say so elsewhere. A run waiting for delegated stages names their
 * system when there is one (`delegatedTypes`: the types of its waiting delegated stages).
 */
export function runWaitText(
  wait: {
    reason: string;
    position: number | null;
    limit: number | null;
    estimatedStartAt: string | null;
  } | null,
  t: ReturnType<typeof useT>,
  locale: string,
  delegatedTypes: readonly string[] = [],
): string | null {
  if (!wait || wait.reason === 'APPROVAL' || wait.reason === 'PAUSED') return null;
  const types = [...new Set(delegatedTypes.filter(Boolean))];
  if (wait.reason === 'DELEGATION' && types.length > 0) {
    return t('runs.wait.DELEGATION_TO', { type: types.join(', ') });
  }
  const key =
    wait.reason === 'GLOBAL_LIMIT' && wait.limit === null
      ? 'runs.wait.GLOBAL_LIMIT_NONE'
      : (`runs.wait.${wait.reason}` as 'runs.wait.TENANT_LIMIT');
  const text = t(key, { position: wait.position ?? 0, limit: wait.limit ?? 0 });
  if (!wait.estimatedStartAt) return text;
  const time = new Date(wait.estimatedStartAt).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  return `${text} · ${t('runs.wait.estimate', { time })}`;
}
