import type { Db } from '../../db/prisma.js';
import type { Tx } from '../shared/mutation.js';

/** The only Prisma caller for users, sessions and API tokens. */
export class IdentityRepository {
  constructor(private readonly db: Db) {}

  findUserByEmail(email: string) {
    return this.db.user.findUnique({ where: { email } });
  }

  findUserById(id: string) {
    return this.db.user.findUnique({ where: { id } });
  }

  /** Creates the user unless one with that email exists; returns whether it did. */
  async createUserIfMissing(user: {
    email: string;
    name: string;
    passwordHash: string;
    isAdmin: boolean;
    hasDefaultPassword: boolean;
  }) {
    const result = await this.db.user.createMany({ data: [user], skipDuplicates: true });
    return result.count === 1;
  }

  createSession(session: {
    userId: string;
    tokenHash: string;
    expiresAt: Date;
    userAgent: string;
    clientIp: string | null;
  }) {
    return this.db.session.create({ data: session });
  }

  /** Every authenticated request asks this: one statement (Prisma's include would make it two). */
  async findLiveSession(tokenHash: string, now: Date) {
    const [row] = await this.db.$queryRaw<
      {
        id: string;
        expiresAt: Date;
        lastUsedAt: Date | null;
        userId: string;
        email: string;
        name: string;
        isAdmin: boolean;
        disabledAt: Date | null;
      }[]
    >`
      SELECT s.id, s.expires_at AS "expiresAt", s.last_used_at AS "lastUsedAt", u.id AS "userId", u.email, u.name,
             u.is_admin AS "isAdmin", u.disabled_at AS "disabledAt"
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = ${tokenHash} AND s.expires_at > ${now}`;
    if (!row) return null;
    return {
      id: row.id,
      expiresAt: row.expiresAt,
      revokedAt: null,
      lastUsedAt: row.lastUsedAt,
      userDisabledAt: row.disabledAt,
      user: { id: row.userId, email: row.email, name: row.name, isAdmin: row.isAdmin },
    };
  }

  touchSession(id: string, now: Date) {
    return this.db.session.update({ where: { id }, data: { lastUsedAt: now } });
  }

  /** Revoked and expired tokens too, so that the caller can be told which it is. */
  async findApiToken(tokenHash: string) {
    const [row] = await this.db.$queryRaw<
      {
        id: string;
        name: string;
        revokedAt: Date | null;
        expiresAt: Date | null;
        lastUsedAt: Date | null;
        userId: string;
        email: string;
        userName: string;
        isAdmin: boolean;
        userDisabledAt: Date | null;
      }[]
    >`
      SELECT t.id, t.name, t.revoked_at AS "revokedAt", t.expires_at AS "expiresAt", t.last_used_at AS "lastUsedAt",
             u.id AS "userId", u.email, u.name AS "userName", u.is_admin AS "isAdmin", u.disabled_at AS "userDisabledAt"
      FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = ${tokenHash}`;
    if (!row) return null;
    const { userId, email, userName, isAdmin, ...token } = row;
    return { ...token, user: { id: userId, email, name: userName, isAdmin } };
  }

  touchApiToken(id: string, now: Date) {
    return this.db.apiToken.update({ where: { id }, data: { lastUsedAt: now } });
  }

  listUsers() {
    return this.db.user.findMany({ orderBy: { email: 'asc' } });
  }

  /** The user's sessions that have not expired, newest first. */
  listSessions(userId: string, now: Date) {
    return this.db.session.findMany({
      where: { userId, expiresAt: { gt: now } },
      orderBy: { createdAt: 'desc' },
      select: { id: true, createdAt: true, lastUsedAt: true, expiresAt: true, userAgent: true, clientIp: true },
    });
  }

  /** Whether the seeded administrator still signs in with the default password (the web's banner). */
  async hasDefaultPassword(userId: string): Promise<boolean> {
    const user = await this.db.user.findUnique({ where: { id: userId }, select: { hasDefaultPassword: true } });
    return user?.hasDefaultPassword ?? false;
  }

  markDefaultPassword(userId: string, hasDefaultPassword: boolean) {
    return this.db.user.update({ where: { id: userId }, data: { hasDefaultPassword } });
  }

  /** Replaces a password (the seeded administrator's default one, from CYCLONE_ADMIN_PASSWORD at boot). */
  setPasswordHash(userId: string, passwordHash: string) {
    return this.db.user.update({ where: { id: userId }, data: { passwordHash, hasDefaultPassword: false } });
  }

  listApiTokens(userId: string) {
    return this.db.apiToken.findMany({ where: { userId, revokedAt: null }, orderBy: { createdAt: 'desc' } });
  }
}

/** Writes that run inside a mutation's transaction. */
export const identityWrites = {
  findUserByEmail: (tx: Tx, email: string) => tx.user.findUnique({ where: { email } }),

  createUser: (tx: Tx, user: { email: string; name: string; passwordHash: string }) => tx.user.create({ data: user }),

  findApiTokenByName: (tx: Tx, userId: string, name: string) =>
    tx.apiToken.findUnique({ where: { userId_name: { userId, name } } }),

  deleteApiToken: (tx: Tx, id: string) => tx.apiToken.delete({ where: { id } }),

  createApiToken: (tx: Tx, token: { userId: string; name: string; tokenHash: string; expiresAt: Date | null }) =>
    tx.apiToken.create({ data: token }),

  findOwnApiToken: (tx: Tx, userId: string, id: string) => tx.apiToken.findFirst({ where: { id, userId } }),

  revokeApiToken: (tx: Tx, id: string, now: Date) => tx.apiToken.update({ where: { id }, data: { revokedAt: now } }),

  /** Ends sessions of a user at once (a deleted session's token is unknown from then on), but `keep`. */
  deleteSessions: (tx: Tx, userId: string, keep?: string) =>
    tx.session.deleteMany({ where: { userId, ...(keep ? { id: { not: keep } } : {}) } }),

  deleteOwnSession: (tx: Tx, userId: string, id: string) => tx.session.deleteMany({ where: { id, userId } }),

  setPassword: (tx: Tx, userId: string, passwordHash: string) =>
    tx.user.update({ where: { id: userId }, data: { passwordHash, hasDefaultPassword: false } }),

  setDisabled: (tx: Tx, userId: string, disabledAt: Date | null) =>
    tx.user.update({ where: { id: userId }, data: { disabledAt } }),
};
