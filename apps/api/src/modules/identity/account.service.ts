import type { Db } from '../../db/prisma.js';
import { AppError, badInput, notFound } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import { runMutation } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { changePasswordSchema } from './identity.inputs.js';
import { type IdentityRepository, identityWrites } from './identity.repository.js';
import type { AuthUser, Credential } from './identity.service.js';
import type { LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';

export interface SessionView {
  id: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
  userAgent: string;
  clientIp: string | null;
  /** The session this request came with. */
  isCurrent: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The signed-in user's own credentials: signing out, the password, the list of
 * sessions. A revoked session or token is refused from the next request on, over
 * HTTP and on open subscriptions (the auth cache and the subscription watch follow
 * the `auth` data version).
 */
export class AccountService {
  constructor(
    private readonly deps: { db: Db; logger: Logger },
    private readonly repository: IdentityRepository,
    private readonly throttle: LoginThrottle,
  ) {}

  /** Ends the credential the request came with: a session is deleted, an API token revoked. */
  logout(actor: AuthUser, credential: Credential): Promise<boolean> {
    const subject = { action: 'user.logout', objectType: 'User', objectName: actor.email };
    return runMutation(this.deps, actor, subject, async (tx) => {
      if (credential.kind === 'session') await identityWrites.deleteOwnSession(tx, actor.id, credential.id);
      else {
        const token = await identityWrites.findOwnApiToken(tx, actor.id, credential.id);
        if (token && !token.revokedAt) await identityWrites.revokeApiToken(tx, token.id, new Date());
      }
      return true;
    });
  }

  /**
   * Checks the current password (a wrong one counts as a failed sign-in of the
   * account), stores the new one and ends every other session of the user: whoever
   * else was signed in must sign in again.
   */
  async changePassword(
    actor: AuthUser,
    credential: Credential | undefined,
    input: { currentPassword: string; newPassword: string },
  ): Promise<boolean> {
    const parsed = parseInput(changePasswordSchema, input);
    if (parsed.currentPassword === parsed.newPassword) {
      throw badInput('input.newPassword', 'must differ from the current password');
    }
    const now = new Date();
    await this.throttle.assertAllowed(actor.email, undefined, now).catch((error: unknown) => {
      // Locked like sign-in, but the caller is signed in: FORBIDDEN, not a reason to sign them out.
      if (error instanceof AppError && error.code === 'UNAUTHENTICATED') {
        throw new AppError('FORBIDDEN', error.message, error.details);
      }
      throw error;
    });
    const user = await this.repository.findUserById(actor.id);
    if (!user || !(await verifyPassword(parsed.currentPassword, user.passwordHash))) {
      await this.throttle.recordFailure(actor.email, undefined, now);
      throw new AppError('BAD_USER_INPUT', 'input.currentPassword: is not your current password', {
        field: 'input.currentPassword',
      });
    }
    const passwordHash = await hashPassword(parsed.newPassword);
    const subject = { action: 'user.changePassword', objectType: 'User', objectName: actor.email };
    return runMutation(this.deps, actor, subject, async (tx) => {
      await identityWrites.setPassword(tx, actor.id, passwordHash);
      await identityWrites.deleteSessions(tx, actor.id, credential?.kind === 'session' ? credential.id : undefined);
      return true;
    });
  }

  async listSessions(actor: AuthUser, credential: Credential | undefined): Promise<SessionView[]> {
    const rows = await this.repository.listSessions(actor.id, new Date());
    return rows.map((row) => ({ ...row, isCurrent: credential?.kind === 'session' && credential.id === row.id }));
  }

  /** Signs one of your sessions out (this one too, if you name it). NOT_FOUND for anyone else's. */
  revokeSession(actor: AuthUser, id: string): Promise<boolean> {
    const subject = { action: 'session.revoke', objectType: 'Session', objectName: id };
    return runMutation(this.deps, actor, subject, async (tx) => {
      const deleted = UUID.test(id) ? await identityWrites.deleteOwnSession(tx, actor.id, id) : { count: 0 };
      if (deleted.count === 0) throw notFound(`session "${id}"`);
      return true;
    });
  }
}
