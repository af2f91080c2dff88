/** How long and how often `waitFor` asks, and what it waits for. */
export interface WaitOptions<T> {
  /** What is awaited, as the timeout message names it: "the run to end", "the pending commit status". */
  what?: string;
  /** Gives up after this long (default 20 s: under the integration tests' 30 s test timeout). */
  timeoutMs?: number;
  /** Asks again after this long (default 50 ms). */
  intervalMs?: number;
  /** The value is the awaited one when this holds; without it, when the value is truthy. */
  until?: (value: T) => boolean;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 20_000;
export const DEFAULT_WAIT_INTERVAL_MS = 50;

/** What a check returns once it is done, when no `until` decides. */
export type Ready<T> = Exclude<T, undefined | null | false | 0 | ''>;

/**
 * Asks `check` until its answer is the awaited one, and returns that answer: the first
 * truthy one, or the first that `until` accepts. An error thrown by `check` fails at
 * once. After `timeoutMs` it fails with an error naming `what` and the last answer.
 *
 *   const run = await waitFor(() => readRun(api, dev, id), { until: isEnded, what: 'the run to end' });
 *   await waitFor(async () => statesOf(sha).length > 1, { what: 'the final commit status' });
 */
export function waitFor<T>(
  check: () => T | Promise<T>,
  options: WaitOptions<T> & { until: (value: T) => boolean },
): Promise<T>;
export function waitFor<T>(check: () => T | Promise<T>, options?: WaitOptions<T>): Promise<Ready<T>>;
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitOptions<T> = {}): Promise<T> {
  const {
    what = 'a condition',
    timeoutMs = DEFAULT_WAIT_TIMEOUT_MS,
    intervalMs = DEFAULT_WAIT_INTERVAL_MS,
    until = (value: T) => Boolean(value),
  } = options;
  const startedAt = Date.now();
  for (;;) {
    const value = await check();
    if (until(value)) return value;
    if (Date.now() - startedAt >= timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${preview(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A short JSON picture of a value (rows may hold bigints). */
function preview(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
