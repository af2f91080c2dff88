import type { Logger } from '../logging/logger.js';

/**
 * A level-triggered loop: each registered reconciler gets a pass every
 * `intervalMs` and may ask for an earlier one. State lives in the database, so
 * stopping and starting the controller loses nothing.
 */
export interface Reconciler {
  name: string;
  /** One pass over everything this reconciler owns; returns ms until the next pass, if sooner. */
  reconcileAll(): Promise<{ requeueAfterMs?: number }>;
  /** True when work arrived since the last pass; the loop then cuts its sleep short. */
  hasWakeRequest?(): boolean;
}

export interface Controller {
  stop(): Promise<void>;
}

export function startController(
  reconcilers: Reconciler[],
  options: { intervalMs: number; logger: Logger },
): Controller {
  const { logger } = options;
  let isStopping = false;
  const loops = reconcilers.map(async (reconciler) => {
    while (!isStopping) {
      let delay = options.intervalMs;
      try {
        const result = await reconciler.reconcileAll();
        if (result.requeueAfterMs !== undefined) delay = Math.min(delay, result.requeueAfterMs);
      } catch (error) {
        logger.error({ err: error, reconciler: reconciler.name }, 'reconcile pass failed; retrying');
      }
      await sleepUnless(() => isStopping || reconciler.hasWakeRequest?.() === true, delay);
    }
  });
  logger.info({ reconcilers: reconcilers.map((r) => r.name) }, 'controller started');
  return {
    stop: async () => {
      isStopping = true;
      await Promise.all(loops);
    },
  };
}

async function sleepUnless(shouldWake: () => boolean, ms: number): Promise<void> {
  const step = 20;
  for (let waited = 0; waited < ms && !shouldWake(); waited += step) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(step, ms - waited)));
  }
}
