import { EventEmitter } from 'node:events';
import { CHANNELS, type NotificationHub } from '../../db/notification-hub.js';

/** Emitter event with every run id announced on either channel (a symbol: never a run id). */
const ANY_RUN = Symbol('any run');

/**
 * Fan-out of run changes to subscribers of this process, fed by the notification
 * hub so that a change made by any API or controller process reaches every
 * subscriber. The hub connects on the first subscriber.
 */
export class RunEvents {
  private readonly emitter = new EventEmitter();
  /** Counts notifications received: a read started at generation g saw every change announced before. */
  private notified = 0;
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly hub: NotificationHub) {
    this.emitter.setMaxListeners(0);
    this.unsubscribe = [
      hub.on(CHANNELS.run, (runId) => {
        if (!runId) return;
        this.notified += 1;
        this.emitter.emit(ANY_RUN, runId);
        this.emitter.emit(runId);
      }),
      // Created runs too, for tenant-wide followers.
      hub.on(CHANNELS.controller, (runId) => {
        if (runId) this.emitter.emit(ANY_RUN, runId);
      }),
    ];
  }

  /**
   * Returns a function that resolves on the next change of the run (or after
   * `maxWaitMs`, a safety net for a lost connection), and a disposer. Arm the
   * waiter before reading, so no change between the read and the wait is missed.
   */
  async watch(runId: string): Promise<{ next: (maxWaitMs: number) => Promise<void>; dispose: () => void }> {
    await this.hub.start();
    let isDirty = false;
    let wake: (() => void) | undefined;
    const listener = () => {
      isDirty = true;
      wake?.();
    };
    this.emitter.on(runId, listener);
    return {
      next: (maxWaitMs) =>
        new Promise<void>((resolve) => {
          if (isDirty) {
            isDirty = false;
            resolve();
            return;
          }
          const timer = setTimeout(done, maxWaitMs);
          function done() {
            clearTimeout(timer);
            wake = undefined;
            isDirty = false;
            resolve();
          }
          wake = done;
        }),
      dispose: () => {
        this.emitter.off(runId, listener);
      },
    };
  }

  /**
   * Like watch, for every run: `next` resolves with the ids of the runs that changed
   * (or were created) since it last resolved, or with none after `maxWaitMs`.
   */
  async watchAll(): Promise<{ next: (maxWaitMs: number) => Promise<string[]>; dispose: () => void }> {
    await this.hub.start();
    const changed = new Set<string>();
    let wake: (() => void) | undefined;
    const listener = (runId: string) => {
      changed.add(runId);
      wake?.();
    };
    this.emitter.on(ANY_RUN, listener);
    const take = () => {
      const ids = [...changed];
      changed.clear();
      return ids;
    };
    return {
      next: (maxWaitMs) =>
        new Promise<string[]>((resolve) => {
          if (changed.size > 0) {
            resolve(take());
            return;
          }
          const timer = setTimeout(done, maxWaitMs);
          function done() {
            clearTimeout(timer);
            wake = undefined;
            resolve(take());
          }
          wake = done;
        }),
      dispose: () => {
        this.emitter.off(ANY_RUN, listener);
      },
    };
  }

  /** Changes up to this generation are visible to a read started now (see sharedRead). */
  get generation(): number {
    return this.notified;
  }

  close(): void {
    for (const stop of this.unsubscribe) stop();
  }
}
