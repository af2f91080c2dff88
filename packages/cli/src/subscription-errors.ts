import { ApiError, CliError, UNAUTHENTICATED_HINT } from './errors.js';

/**
 * Whether a subscription failure is worth a reconnect: a dropped or refused
 * connection is, and so is an answer the API marks `retryable` (its database was busy);
 * any other answer (a GraphQL error, a refused token) is not.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof CliError) return false;
  if (Array.isArray(error)) return error.some((e) => e?.extensions?.retryable === true);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number') return code < 4000 || code === 4499 || code === 4504; // 4499 terminated, 4504 ack timeout
  return true;
}

/** The failure as the CLI reports it. */
export function describeSubscriptionError(server: string, error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (Array.isArray(error)) {
    const first = error[0] as { message?: string; extensions?: { code?: string } } | undefined;
    return new ApiError(first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR', first?.message ?? 'subscription failed');
  }
  const close = error as { code?: unknown; reason?: string } | undefined;
  if (close?.code === 4403 || close?.code === 4401) return new CliError(UNAUTHENTICATED_HINT);
  if (typeof close?.code === 'number') {
    return new CliError(`lost the connection to ${server} (${close.code}${close.reason ? ` ${close.reason}` : ''})`);
  }
  return new CliError(`cannot reach ${server}: is the API running? (${(error as Error)?.message ?? String(error)})`);
}
