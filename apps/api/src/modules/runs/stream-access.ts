import type { DataGenerations } from '../../db/data-version.js';

/** Longest time a live stream goes without checking its reader's access again. */
const RECHECK_MS = 30_000;
/** How often it checks while identity changes cannot be heard (the LISTEN connection is down). */
const RECHECK_BLIND_MS = 5_000;

/** The checks of the streams of one reader and one followed object. */
interface SharedCheck {
  checkedAt: number;
  checkedGeneration: number;
  /** The check under way: every stream of the key that is due waits for it. */
  running?: Promise<unknown>;
  streams: number;
}

/**
 * Keeps live streams to the access their readers had when they opened: a stream's
 * `assert` runs its access check again when identity data changed (a membership removed
 * or a role lowered bumps `generations.auth`), and at least every 30 s anyway. A refused
 * check throws, which ends the stream with the check's own error (NOT_FOUND, FORBIDDEN).
 *
 * Streams of one reader and one object (the key) share their checks: five tabs of one
 * person following one run's log make one check every 30 s, not five. The first periodic
 * check of a key comes at a random time within those 30 s: streams opened together (500
 * followers of a dashboard's runs) would otherwise all check at once every 30 s, a burst
 * of queries that held up their log lines (bench/engine/log-scale.ts).
 */
export class StreamAccessChecks {
  private readonly checks = new Map<string, SharedCheck>();

  constructor(private readonly generations: DataGenerations | undefined) {}

  /** A stream's access, checked with `check` (the same rule for every stream of `key`); close it when the stream ends. */
  open(key: string, check: () => Promise<unknown>): StreamAccess {
    let shared = this.checks.get(key);
    if (!shared) {
      shared = {
        checkedAt: Date.now() - Math.random() * RECHECK_MS,
        checkedGeneration: this.generations?.auth ?? -1,
        streams: 0,
      };
      this.checks.set(key, shared);
    }
    shared.streams += 1;
    const opened = shared;
    let isClosed = false;
    return {
      assert: () => this.assert(opened, check),
      close: () => {
        if (isClosed) return;
        isClosed = true;
        opened.streams -= 1;
        if (opened.streams === 0) this.checks.delete(key);
      },
    };
  }

  /** How many readers' objects have live streams (for tests). */
  get size(): number {
    return this.checks.size;
  }

  private async assert(shared: SharedCheck, check: () => Promise<unknown>): Promise<void> {
    if (shared.running) {
      await shared.running;
      return;
    }
    const generations = this.generations;
    const elapsed = Date.now() - shared.checkedAt;
    const isDue =
      elapsed >= RECHECK_MS ||
      (generations !== undefined &&
        (generations.auth !== shared.checkedGeneration || (!generations.isLive && elapsed >= RECHECK_BLIND_MS)));
    if (!isDue) return;
    // Read before checking: a change made during the check makes the next call check again.
    shared.checkedGeneration = generations?.auth ?? -1;
    shared.checkedAt = Date.now();
    const running = check();
    shared.running = running;
    try {
      await running;
    } catch (error) {
      // The other streams of the key check for themselves on their next call.
      shared.checkedAt = Number.NEGATIVE_INFINITY;
      throw error;
    } finally {
      shared.running = undefined;
    }
  }
}

/** One live stream's hold on its reader's access. */
export interface StreamAccess {
  /** Checks again when due; throws the check's error when access is gone. */
  assert(): Promise<void>;
  close(): void;
}

/** The key of a reader's streams of one object: the same user with the same standing. */
export function readerKey(user: { id: string; isAdmin: boolean }, object: string): string {
  return `${user.id}\0${user.isAdmin ? 'admin' : ''}\0${object}`;
}
