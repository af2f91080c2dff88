import { EventEmitter } from 'node:events';
import { CHANNELS, type NotificationHub, readRunPayload } from '../../db/notification-hub.js';
import type { LogStream } from '../../generated/prisma/enums.js';

/** Emitter event with every run id announced on either channel (a symbol: never a run id). */
const ANY_RUN = Symbol('any run');

/** A stored log line as a read of log_lines returns it through plain pg (the seq, a bigint, as text). */
export type StoredLine = { seq: string; stage: string; stream: LogStream; text: string; timestamp: Date };

/**
 * What this process's log writers tell of the batches they store, so that its followers
 * get them without reading them back (followLogBatches). Followers in other processes
 * read them on the batch's notification as before.
 */
export interface LocalLogBatches {
  /** Before a batch's statement is sent: its notification may arrive before the statement returns. */
  writing(runId: string, stage: string, lastSeq: string): void;
  /** Every line of the batch was stored as given, in seq order. */
  stored(runId: string, stage: string, lines: StoredLine[]): void;
  /** What of the batch is stored is not known (an error, a line stored before): followers read it. */
  unsure(runId: string, stage: string): void;
}

/**
 * Lines a follower may hold handed over and not yet taken. One that lags further reads
 * from Postgres at its own pace instead, so a slow subscriber holds no more than a read's page.
 */
const MAX_HANDED_LINES = 1_000;

/** One follower's view of a run's logs: batches handed over, and whether it must read. */
class LogWatcher {
  private batches: StoredLine[][] = [];
  private lineCount = 0;
  private needsRead = false;
  private wake: (() => void) | undefined;

  hand(lines: StoredLine[]): void {
    if (this.lineCount + lines.length > MAX_HANDED_LINES) this.mustRead();
    else {
      this.batches.push(lines);
      this.lineCount += lines.length;
      this.wake?.();
    }
  }

  mustRead(): void {
    this.batches = [];
    this.lineCount = 0;
    this.needsRead = true;
    this.wake?.();
  }

  /** Resolves once something was handed over or must be read, or after maxWaitMs (then a read is due). */
  next(maxWaitMs: number): Promise<void> {
    if (this.needsRead || this.batches.length > 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.mustRead(), maxWaitMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  take(): { batches: StoredLine[][]; needsRead: boolean } {
    const taken = { batches: this.batches, needsRead: this.needsRead };
    this.batches = [];
    this.lineCount = 0;
    this.needsRead = false;
    return taken;
  }
}

export type LogWatch = Pick<LogWatcher, 'next' | 'take'> & { dispose: () => void };

/**
 * Fan-out of run changes to subscribers of this process, fed by the notification
 * hub so that a change made by any API or controller process reaches every
 * subscriber. The hub connects on the first subscriber.
 */
export class RunEvents implements LocalLogBatches {
  private readonly emitter = new EventEmitter();
  /** Counts notifications received: a read started at generation g saw every change announced before. */
  private notified = 0;
  private readonly unsubscribe: (() => void)[];
  private readonly logWatchers = new Map<string, Set<LogWatcher>>();
  /** Per run and stage, the last seq this process's writer is storing or stored, until its notification comes. */
  private readonly writtenHere = new Map<string, number>();

  constructor(private readonly hub: NotificationHub) {
    this.emitter.setMaxListeners(0);
    this.unsubscribe = [
      hub.on(CHANNELS.run, (payload) => {
        const { runId, batch } = readRunPayload(payload);
        if (!runId) return;
        this.notified += 1;
        if (batch) {
          // Log lines change nothing the run and tenant streams show: only log followers hear of them.
          if (!this.isWrittenHere(runId, batch.stage, batch.lastSeq)) this.mustRead(runId);
          return;
        }
        this.emitter.emit(ANY_RUN, runId);
        this.emitter.emit(runId);
        this.mustRead(runId);
      }),
      // What was announced while not listening is unknown: every follower reads.
      hub.onListening(() => {
        this.writtenHere.clear();
        for (const runId of this.logWatchers.keys()) this.mustRead(runId);
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

  /**
   * Like watch, for a follower of the run's logs: batches this process stored are handed
   * over (the same line arrays to every follower), any other change asks for a read.
   */
  async watchLogs(runId: string): Promise<LogWatch> {
    await this.hub.start();
    const watcher = new LogWatcher();
    let watchers = this.logWatchers.get(runId);
    if (!watchers) {
      watchers = new Set();
      this.logWatchers.set(runId, watchers);
    }
    watchers.add(watcher);
    return {
      next: (maxWaitMs) => watcher.next(maxWaitMs),
      take: () => watcher.take(),
      dispose: () => {
        watchers.delete(watcher);
        if (watchers.size === 0 && this.logWatchers.get(runId) === watchers) this.logWatchers.delete(runId);
      },
    };
  }

  writing(runId: string, stage: string, lastSeq: string): void {
    this.writtenHere.set(`${runId} ${stage}`, Number(lastSeq));
  }

  stored(runId: string, _stage: string, lines: StoredLine[]): void {
    for (const watcher of this.logWatchers.get(runId) ?? []) watcher.hand(lines);
  }

  unsure(runId: string, stage: string): void {
    this.writtenHere.delete(`${runId} ${stage}`);
    this.mustRead(runId);
  }

  /** Whether a batch's notification is of one this process stores (its followers get it handed over). */
  private isWrittenHere(runId: string, stage: string, lastSeq: number): boolean {
    const key = `${runId} ${stage}`;
    const written = this.writtenHere.get(key);
    if (written === undefined || lastSeq > written) return false;
    // The notification of the last batch written ends the entry (the stage may print no more).
    if (lastSeq === written) this.writtenHere.delete(key);
    return true;
  }

  private mustRead(runId: string): void {
    for (const watcher of this.logWatchers.get(runId) ?? []) watcher.mustRead();
  }

  /** Changes up to this generation are visible to a read started now (see sharedRead). */
  get generation(): number {
    return this.notified;
  }

  close(): void {
    for (const stop of this.unsubscribe) stop();
  }
}
