import type { Db } from '../../db/prisma.js';

/** The only Prisma caller for users and sessions. */
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

  findLiveSession(tokenHash: string, now: Date) {
    return this.db.session.findFirst({
      where: { tokenHash, expiresAt: { gt: now } },
      include: { user: true },
    });
  }

  touchSession(id: string, now: Date) {
    return this.db.session.update({ where: { id }, data: { lastUsedAt: now } });
  }
}
