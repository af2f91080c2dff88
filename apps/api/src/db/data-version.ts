import { CHANNELS, type NotificationHub } from './notification-hub.js';

/** What caches need to know: whether the data they hold may still be current. */
export interface DataGenerations {
  /** True only while the LISTEN connection is up: caches answer only then. */
  readonly isLive: boolean;
  /** Bumped by every change of tracked data (identity tables included). */
  readonly data: number;
  /** Bumped by changes of users, memberships, sessions and API tokens. */
  readonly auth: number;
}

/**
 * This process's view of the database's data version: listens on the data channel
 * and counts changes. A cache entry stamped with the generation read before its
 * database reads is valid while the generation is unchanged: a change committed
 * after those reads is announced after they started, so it bumps the generation.
 * While the connection is down nothing counts as current (isLive false), and both
 * generations move on (re)connect, dropping whatever was cached before.
 */
export class DataVersion implements DataGenerations {
  isLive = false;
  data = 0;
  auth = 0;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly hub: NotificationHub) {
    this.unsubscribe = [
      hub.on(CHANNELS.data, (payload) => this.bump(payload === 'auth' ? 'auth' : 'data')),
      // Whatever changed while not listening is unknown: start afresh.
      hub.onListening(() => {
        this.bump('auth');
        this.isLive = true;
      }),
      hub.onLost(() => {
        this.isLive = false;
        this.bump('auth');
      }),
    ];
    this.isLive = hub.isListening;
  }

  /** Resolves once listening (or after the first failure; the hub keeps retrying). */
  start(): Promise<void> {
    return this.hub.start();
  }

  /**
   * Counts a change. Called for notifications, and by this process right after its
   * own mutations so that their callers read their writes without waiting for the
   * notification round trip.
   */
  bump(kind: 'data' | 'auth'): void {
    this.data += 1;
    if (kind === 'auth') this.auth += 1;
    for (const listener of this.listeners) listener();
  }

  /** Called on every bump (caches drop their entries eagerly to free memory). */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  close(): void {
    this.isLive = false;
    for (const stop of this.unsubscribe) stop();
  }
}
