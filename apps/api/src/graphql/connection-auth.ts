import type { DataGenerations } from '../db/data-version.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';

/** graphql-ws close code for a connection whose credential stopped working (the web and CLI treat it as final). */
export const CLOSE_UNAUTHORIZED = 4401;

interface WatchedConnection {
  /** The `Authorization` value the connection was opened with. */
  authorization: string;
  close: (code: number, reason: string) => void;
}

export interface ConnectionAuthWatchOptions {
  /** Resolves to the user, undefined or throws an AppError when the credential is no longer good. */
  authenticate: (authorization: string) => Promise<unknown>;
  /** Identity changes this process hears of (any writer's, through Postgres): checked soon after each. */
  generations?: DataGenerations;
  logger: Logger;
  /** How often the watch looks whether a check is due. */
  tickMs?: number;
  /** Longest time between two checks, whatever changed (expiry; a data version that is not listening). */
  maxIntervalMs?: number;
}

/**
 * Re-checks the credential of every open graphql-ws connection, so that its
 * subscriptions end when the session is signed out, the API token revoked or
 * expired, or the user disabled: within a second of an identity change this process
 * hears of (the `auth` data version), and at least every `maxIntervalMs` anyway. A
 * refused connection is closed with 4401 and the reason; connections that share a
 * token cost one check.
 */
export class ConnectionAuthWatch {
  private readonly connections = new Map<object, WatchedConnection>();
  private timer: NodeJS.Timeout | undefined;
  private checkedGeneration = -1;
  private checkedAt = 0;
  private isChecking = false;
  private readonly tickMs: number;
  private readonly maxIntervalMs: number;

  constructor(private readonly options: ConnectionAuthWatchOptions) {
    this.tickMs = options.tickMs ?? 1_000;
    this.maxIntervalMs = options.maxIntervalMs ?? 30_000;
  }

  /** Connections opened without a credential have nothing to lose and are not watched. */
  add(key: object, connection: WatchedConnection): void {
    this.connections.set(key, connection);
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.tickMs);
      this.timer.unref();
    }
  }

  remove(key: object): void {
    this.connections.delete(key);
    if (this.connections.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.isChecking || this.connections.size === 0) return;
    const generations = this.options.generations;
    const generation = generations?.isLive ? generations.auth : undefined;
    const isDue =
      Date.now() - this.checkedAt >= this.maxIntervalMs ||
      (generation !== undefined && generation !== this.checkedGeneration);
    if (!isDue) return;
    this.isChecking = true;
    // Read before checking: a change made during the check makes the next tick check again.
    this.checkedGeneration = generation ?? -1;
    this.checkedAt = Date.now();
    try {
      await this.checkAll();
    } finally {
      this.isChecking = false;
    }
  }

  private async checkAll(): Promise<void> {
    const byAuthorization = new Map<string, [object, WatchedConnection][]>();
    for (const entry of this.connections) {
      const group = byAuthorization.get(entry[1].authorization) ?? [];
      group.push(entry);
      byAuthorization.set(entry[1].authorization, group);
    }
    for (const [authorization, group] of byAuthorization) {
      const refusal = await this.refusalOf(authorization);
      if (refusal === undefined) continue;
      for (const [key, connection] of group) {
        this.connections.delete(key);
        connection.close(CLOSE_UNAUTHORIZED, closeReason(refusal));
      }
    }
  }

  /** Why the credential is no longer good; undefined while it is (or when the check itself failed). */
  private async refusalOf(authorization: string): Promise<string | undefined> {
    try {
      const user = await this.options.authenticate(authorization);
      return user ? undefined : 'the credential is no longer valid';
    } catch (error) {
      if (error instanceof AppError) return error.message;
      // The database is unreachable, say: keep the connection, look again next time.
      this.options.logger.warn({ err: error }, 'could not re-check the credential of a live connection');
      return undefined;
    }
  }
}

/** WebSocket close reasons are at most 123 bytes. */
function closeReason(message: string): string {
  const text = `Unauthorized: ${message}`;
  return Buffer.byteLength(text) <= 123 ? text : `${Buffer.from(text).subarray(0, 110).toString('utf8')}...`;
}
