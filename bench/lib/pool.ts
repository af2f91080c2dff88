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
