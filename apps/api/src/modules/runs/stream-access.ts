import type { DataGenerations } from '../../db/data-version.js';

/** Longest time a live stream goes without checking its reader's access again. */
const RECHECK_MS = 30_000;
/** How often it checks while identity changes cannot be heard (the LISTEN connection is down). */
const RECHECK_BLIND_MS = 5_000;

/**
 * Keeps a live stream to the access its reader had when it opened: `assert` runs the
 * stream's own access check again when identity data changed (a membership removed or a
 * role lowered bumps `generations.auth`), and at least every 30 s anyway. A refused check
 * throws, which ends the stream with the check's own error (NOT_FOUND, FORBIDDEN).
 *
 * The first periodic check comes at a random time within those 30 s: streams opened
 * together (500 followers of a dashboard's runs) would otherwise all check at once
 * every 30 s, a burst of queries that held up their log lines (bench/engine/log-scale.ts).
 */
export class StreamAccess {
  private checkedGeneration: number;
  private checkedAt = Date.now() - Math.random() * RECHECK_MS;

  constructor(
    private readonly check: () => Promise<unknown>,
    private readonly generations: DataGenerations | undefined,
  ) {
    this.checkedGeneration = generations?.auth ?? -1;
  }

  async assert(): Promise<void> {
    const generations = this.generations;
    const elapsed = Date.now() - this.checkedAt;
    const isDue =
      elapsed >= RECHECK_MS ||
      (generations !== undefined &&
        (generations.auth !== this.checkedGeneration || (!generations.isLive && elapsed >= RECHECK_BLIND_MS)));
    if (!isDue) return;
    // Read before checking: a change made during the check makes the next call check again.
    this.checkedGeneration = generations?.auth ?? -1;
    this.checkedAt = Date.now();
    await this.check();
  }
}
