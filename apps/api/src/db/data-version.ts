import pg from 'pg';
import type { Logger } from '../logging/logger.js';

/** Postgres triggers on every tracked table notify here (migration 20261126100000_data_version). */
export const DATA_CHANNEL = 'cyclone_data';

const RECONNECT_MS = 1_000;

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
 * This process's view of the database's data version: LISTENs on DATA_CHANNEL
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
  private client: pg.Client | undefined;
  private isClosed = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: { databaseUrl: string; logger: Logger }) {}

  /** Resolves once listening (or after the first failure; it keeps retrying). */
  start(): Promise<void> {
    if (this.isClosed || this.client) return Promise.resolve();
    const client = new pg.Client({ connectionString: this.deps.databaseUrl, keepAlive: true });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === DATA_CHANNEL) this.bump(message.payload === 'auth' ? 'auth' : 'data');
    });
    const reconnect = (error: unknown) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.isLive = false;
      this.bump('auth');
      client.end().catch(() => undefined);
      if (this.isClosed) return;
      this.deps.logger.warn({ err: error }, 'data version connection lost; caches are bypassed until it is back');
      this.retry = setTimeout(() => void this.start(), RECONNECT_MS);
    };
    client.on('error', reconnect);
    client.on('end', () => reconnect(new Error('connection ended')));
    return client
      .connect()
      .then(() => client.query(`LISTEN ${DATA_CHANNEL}`))
      .then(() => {
        if (this.client !== client) return;
        // Whatever changed while not listening is unknown: start afresh.
        this.bump('auth');
        this.isLive = true;
      })
      .catch(reconnect);
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

  async close(): Promise<void> {
    this.isClosed = true;
    this.isLive = false;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
