import type { I18n } from '@/i18n/i18n-provider';
import { errorCode } from '@/lib/graphql/errors';

/** A failed action in words: the server's message, or what a network failure means. */
export function errorMessage(error: unknown, t: I18n['t']): string {
  const code = errorCode(error);
  if (code === 'NETWORK_ERROR') return t('errors.network');
  if (code === 'SERVICE_UNAVAILABLE') return t('errors.unavailable');
  return error instanceof Error ? error.message : t('errors.generic');
}
