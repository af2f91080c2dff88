import type { DataGenerations } from '../../db/data-version.js';
import { LruCache } from '../shared/lru-cache.js';
import type { AuthUser } from './identity.service.js';

/** A session or API token row as authentication needs it. */
export interface CredentialRow {
  id: string;
  /** API tokens: named in error messages. */
  name?: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  /** Set while a platform admin has disabled the user: the credential is refused. */
  userDisabledAt: Date | null;
  user: AuthUser;
}

const MAX_ENTRIES = 10_000;

/**
 * Credential rows by token hash, so that an authenticated request costs no SQL.
 * Valid while no user, membership, session or API token changed (the `auth`
 * generation, moved by Postgres notifications from any writer) and only while the
 * notification connection is up. Expiry and revocation are still checked on every
 * request by the caller, against the cached row and the current time. Unknown
 * tokens are never cached.
 */
export class AuthCache {
  private readonly rows = new LruCache<{ row: CredentialRow; generation: number }>({
    maxEntries: MAX_ENTRIES,
    maxSize: MAX_ENTRIES,
  });
  private clearedAt = -1;

  constructor(private readonly generations: DataGenerations) {}

  /** The generation to pass to `set` for a row read from now on, or undefined when not caching. */
  begin(): number | undefined {
    return this.generations.isLive ? this.generations.auth : undefined;
  }

  get(tokenHash: string): CredentialRow | undefined {
    if (!this.generations.isLive) return undefined;
    this.dropIfStale();
    return this.rows.get(tokenHash)?.row;
  }

  set(tokenHash: string, row: CredentialRow, generation: number | undefined): void {
    if (generation === undefined || generation !== this.generations.auth || !this.generations.isLive) return;
    this.dropIfStale();
    this.rows.set(tokenHash, { row, generation });
  }

  private dropIfStale(): void {
    if (this.clearedAt === this.generations.auth) return;
    this.rows.clear();
    this.clearedAt = this.generations.auth;
  }
}
