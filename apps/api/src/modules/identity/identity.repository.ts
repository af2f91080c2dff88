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
  async createUserIfMissing(user: { email: string; name: string; passwordHash: string; isAdmin: boolean }) {
    const result = await this.db.user.createMany({ data: [user], skipDuplicates: true });
    return result.count === 1;
  }

  createSession(session: { userId: string; tokenHash: string; expiresAt: Date }) {
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
      }[]
    >`
      SELECT s.id, s.expires_at AS "expiresAt", s.last_used_at AS "lastUsedAt", u.id AS "userId", u.email, u.name, u.is_admin AS "isAdmin"
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = ${tokenHash} AND s.expires_at > ${now}`;
    if (!row) return null;
    return {
      id: row.id,
      expiresAt: row.expiresAt,
      revokedAt: null,
      lastUsedAt: row.lastUsedAt,
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
      }[]
    >`
      SELECT t.id, t.name, t.revoked_at AS "revokedAt", t.expires_at AS "expiresAt", t.last_used_at AS "lastUsedAt",
             u.id AS "userId", u.email, u.name AS "userName", u.is_admin AS "isAdmin"
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
};
