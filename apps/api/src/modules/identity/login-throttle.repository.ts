import type { Db } from '../../db/prisma.js';

export interface ThrottleState {
  failures: number;
  lockedUntil: Date | null;
}

/** Failed sign-in counters in `login_throttles`: shared by every replica, kept across restarts. */
export class LoginThrottleRepository {
  constructor(private readonly db: Db) {}

  findLocked(keys: string[], now: Date) {
    return this.db.loginThrottle.findMany({ where: { key: { in: keys }, lockedUntil: { gt: now } } });
  }

  /**
   * Counts one failure atomically (concurrent failures never lose a count). A window
   * older than `windowMs` starts over; reaching `limit` locks the key for one window.
   */
  async recordFailure(key: string, now: Date, windowMs: number, limit: number): Promise<ThrottleState> {
    const windowStart = new Date(now.getTime() - windowMs);
    const lockUntil = new Date(now.getTime() + windowMs);
    const rows = await this.db.$queryRaw<{ failures: number; locked_until: Date | null }[]>`
      INSERT INTO login_throttles (key, failures, window_started_at, locked_until)
      VALUES (${key}, 1, ${now}, CASE WHEN 1 >= ${limit} THEN ${lockUntil}::timestamptz ELSE NULL END)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN login_throttles.window_started_at <= ${windowStart}::timestamptz
                        THEN 1 ELSE login_throttles.failures + 1 END,
        window_started_at = CASE WHEN login_throttles.window_started_at <= ${windowStart}::timestamptz
                                 THEN ${now}::timestamptz ELSE login_throttles.window_started_at END,
        locked_until = CASE
          WHEN (CASE WHEN login_throttles.window_started_at <= ${windowStart}::timestamptz
                     THEN 1 ELSE login_throttles.failures + 1 END) >= ${limit}
          THEN ${lockUntil}::timestamptz ELSE NULL END
      RETURNING failures, locked_until`;
    const row = rows[0] as { failures: number; locked_until: Date | null };
    return { failures: row.failures, lockedUntil: row.locked_until };
  }

  async clear(key: string): Promise<void> {
    await this.db.loginThrottle.deleteMany({ where: { key } });
  }
}
