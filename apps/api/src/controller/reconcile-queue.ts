/**
 * Which run the controller passes over next (pure, in memory). Passes go where work
 * is: runs woken by a mutation or just admitted (they have something to start or to
 * kill) first, then runs whose own timer is due (a retry's backoff, a timeout), and
 * the periodic resync of every active run last. What is queued here only decides how
 * soon a run is looked at, never what happens to it: the resync reads every active
 * run from the database, so a restart loses nothing.
 *
 * Fairness: within a priority, first come first served; and every `lowerShare`-th
 * pass goes to the lowest priority that has a run waiting, so a steady stream of
 * wake-ups slows the resync down but never stops it.
 */

export const ReconcilePriority = {
  /** Woken (a new or steered run, an exit that could not pass) or just admitted. */
  WOKEN: 0,
  /** Its own requeue time came (backoff, timeout, a failed pass). */
  DUE: 1,
  /** The periodic look at every active run: a safety net behind pushed exits. */
  RESYNC: 2,
} as const;
export type ReconcilePriority = (typeof ReconcilePriority)[keyof typeof ReconcilePriority];

const LANES = 3;

export class ReconcileQueue {
  private readonly lanes: Set<string>[] = Array.from({ length: LANES }, () => new Set<string>());
  /** Runs a worker is passing over now: not handed out again until done (a re-queue waits for it). */
  private readonly inFlight = new Set<string>();
  private taken = 0;

  constructor(private readonly lowerShare = 4) {}

  /** Queues a run; a run already queued keeps the higher of its two priorities and its place there. */
  add(id: string, priority: ReconcilePriority): void {
    const current = this.priorityOf(id);
    if (current !== undefined && current <= priority) return;
    if (current !== undefined) this.lanes[current]?.delete(id);
    this.lanes[priority]?.add(id);
  }

  priorityOf(id: string): ReconcilePriority | undefined {
    const index = this.lanes.findIndex((lane) => lane.has(id));
    return index < 0 ? undefined : (index as ReconcilePriority);
  }

  /** Runs queued (in flight or not). */
  get size(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.size, 0);
  }

  /** True when a run could be taken now. */
  hasReady(): boolean {
    return this.lanes.some((lane) => this.firstReady(lane) !== undefined);
  }

  /** The next run to pass over (marked in flight until `done`), or undefined when none is ready. */
  take(): string | undefined {
    const ready = this.lanes.map((lane) => this.firstReady(lane));
    const top = ready.findIndex((id) => id !== undefined);
    if (top < 0) return undefined;
    let pick = top;
    this.taken += 1;
    if (this.taken % this.lowerShare === 0) {
      // The lower lanes' share: the lowest priority with a run waiting.
      for (let lane = LANES - 1; lane > top; lane--) {
        if (ready[lane] !== undefined) {
          pick = lane;
          break;
        }
      }
    }
    const id = ready[pick] as string;
    this.lanes[pick]?.delete(id);
    this.inFlight.add(id);
    return id;
  }

  /** The pass over a taken run ended; a re-queue that came meanwhile may now be taken. */
  done(id: string): void {
    this.inFlight.delete(id);
  }

  private firstReady(lane: Set<string>): string | undefined {
    for (const id of lane) if (!this.inFlight.has(id)) return id;
    return undefined;
  }
}
