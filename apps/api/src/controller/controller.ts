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
  /** Registers the loop's wake-up: called on a wake request, it ends the sleep at once (no polling delay). */
  setWakeHandler?(handler: () => void): void;
}

/**
 * A reconciler woken by `wake()`: the controller's loop starts its next round at once
 * instead of after its interval. The request is taken when a round starts.
 */
export abstract class WakeableReconciler implements Reconciler {
  abstract readonly name: string;
  private isWakeRequested = false;

  wake(): void {
    this.isWakeRequested = true;
  }

  hasWakeRequest(): boolean {
    return this.isWakeRequested;
  }

  reconcileAll(): Promise<{ requeueAfterMs?: number }> {
    this.isWakeRequested = false;
    return this.reconcileRound();
  }

  /** One round over everything this reconciler owns; returns ms until the next, if sooner. */
  protected abstract reconcileRound(): Promise<{ requeueAfterMs?: number }>;
}

/** How often a reconciler without a wake handler is asked whether work arrived. */
const POLL_MS = 20;

export interface Controller {
  stop(): Promise<void>;
}

export function startController(
  reconcilers: Reconciler[],
  options: { intervalMs: number; logger: Logger },
): Controller {
  const { logger } = options;
  let isStopping = false;
  const wakers = new Set<() => void>();
  const loops = reconcilers.map(async (reconciler) => {
    let wakeNow: (() => void) | undefined;
    reconciler.setWakeHandler?.(() => wakeNow?.());
    while (!isStopping) {
      let delay = options.intervalMs;
      try {
        const result = await reconciler.reconcileAll();
        if (result.requeueAfterMs !== undefined) delay = Math.min(delay, result.requeueAfterMs);
      } catch (error) {
        logger.error({ err: error, reconciler: reconciler.name }, 'reconcile pass failed; retrying');
      }
      if (delay <= 0 || isStopping || reconciler.hasWakeRequest?.() === true) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delay);
        // Reconcilers without a wake handler are still looked at every 20 ms for a wake request.
        const poll = reconciler.setWakeHandler ? undefined : setInterval(check, POLL_MS);
        function check() {
          if (isStopping || reconciler.hasWakeRequest?.() === true) done();
        }
        function done() {
          clearTimeout(timer);
          if (poll) clearInterval(poll);
          wakers.delete(done);
          wakeNow = undefined;
          resolve();
        }
        wakeNow = done;
        wakers.add(done);
      });
    }
  });
  logger.info({ reconcilers: reconcilers.map((r) => r.name) }, 'controller started');
  return {
    stop: async () => {
      isStopping = true;
      for (const wake of [...wakers]) wake();
      await Promise.all(loops);
    },
  };
}
