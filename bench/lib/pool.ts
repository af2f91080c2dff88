/**
 * Calls `task(i)` for i = 0 … count-1 with at most `limit` calls in flight: a burst of
 * thousands of submissions at once measures the HTTP server's queue, not a run's cost
 * (and 4,000 at once ran the API's 256 MiB heap out of memory).
 */
export async function inPool(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** BENCH_SUBMIT_CONCURRENCY: submissions in flight at once (100). */
export const SUBMIT_CONCURRENCY = Number(process.env.BENCH_SUBMIT_CONCURRENCY ?? 100);

/**
 * Calls `send` again when it failed before the run was made: a request that never
 * reached the server (connect timeout, a kept-alive socket the server closed) or an
 * API too busy to start its transaction in time (INTERNAL_SERVER_ERROR on a loaded
 * machine). Counts the resends; a resent request may rarely make a run twice.
 */
export function resender<T>(limit: number) {
  let resent = 0;
  const isRetryable = (error: unknown) => {
    const code = (error as { cause?: { code?: string } }).cause?.code ?? '';
    return (
      ['UND_ERR_SOCKET', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT'].includes(code) ||
      String((error as Error).message).includes('INTERNAL_SERVER_ERROR')
    );
  };
  const send = async (request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      if (!isRetryable(error) || resent >= limit) throw error;
      resent += 1;
      return send(request);
    }
  };
  return { send, resent: () => resent };
}
