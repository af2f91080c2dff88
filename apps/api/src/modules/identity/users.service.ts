import type { Db } from '../../db/prisma.js';
import { badInput, conflict, notFound } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import { runMutation, type Tx } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { createUserSchema, resetUserPasswordSchema } from './identity.inputs.js';
import type { IdentityRepository } from './identity.repository.js';
import { identityWrites } from './identity.repository.js';
import { type AuthUser, normalizeEmail, toAuthUser } from './identity.service.js';
import { hashPassword } from './password.js';

/** A user as platform administrators see them. */
export interface UserView extends AuthUser {
  isDisabled: boolean;
}

function toUserView(user: Parameters<typeof toAuthUser>[0] & { disabledAt: Date | null }): UserView {
  return { ...toAuthUser(user), isDisabled: user.disabledAt !== null };
}

async function requireUser(tx: Tx, email: string) {
  const user = await identityWrites.findUserByEmail(tx, email);
  if (!user) throw notFound(`user "${email}"`);
  return user;
}

/** People who sign in. Only platform administrators manage them (checked by the resolver). */
export class UsersService {
  constructor(
    private readonly deps: { db: Db; logger: Logger },
    private readonly repository: IdentityRepository,
  ) {}

  createUser(actor: AuthUser, input: { email: string; password: string; name?: string | null }): Promise<AuthUser> {
    const subject = { action: 'user.create', objectType: 'User', objectName: normalizeEmail(String(input.email)) };
    return runMutation(this.deps, actor, subject, async (tx) => {
      const parsed = parseInput(createUserSchema, input);
      if (await identityWrites.findUserByEmail(tx, parsed.email)) {
        throw conflict(`a user with email "${parsed.email}" already exists`);
      }
      const user = await identityWrites.createUser(tx, {
        email: parsed.email,
        name: parsed.name || (parsed.email.split('@')[0] as string),
        passwordHash: await hashPassword(parsed.password),
      });
      return toAuthUser(user);
    });
  }

  async listUsers(): Promise<UserView[]> {
    return (await this.repository.listUsers()).map(toUserView);
  }

  /** Sets a user's password; every session of theirs ends (their API tokens stay). */
  async resetUserPassword(actor: AuthUser, input: { email: string; newPassword: string }): Promise<UserView> {
    const subject = {
      action: 'user.resetPassword',
      objectType: 'User',
      objectName: normalizeEmail(String(input.email)),
    };
    const parsed = parseInput(resetUserPasswordSchema, input);
    const passwordHash = await hashPassword(parsed.newPassword);
    return runMutation(this.deps, actor, subject, async (tx) => {
      const user = await requireUser(tx, parsed.email);
      const updated = await identityWrites.setPassword(tx, user.id, passwordHash);
      await identityWrites.deleteSessions(tx, user.id);
      return toUserView(updated);
    });
  }

  /**
   * A disabled user's sessions end and their API tokens are refused until they are
   * enabled again; they cannot sign in meanwhile. Nobody disables themselves.
   */
  setUserDisabled(actor: AuthUser, email: string, isDisabled: boolean): Promise<UserView> {
    const action = isDisabled ? 'user.disable' : 'user.enable';
    const subject = { action, objectType: 'User', objectName: normalizeEmail(String(email)) };
    return runMutation(this.deps, actor, subject, async (tx) => {
      const user = await requireUser(tx, normalizeEmail(String(email)));
      if (isDisabled && user.id === actor.id) {
        throw badInput('email', 'you cannot disable yourself; ask another platform administrator');
      }
      if (isDisabled === (user.disabledAt !== null)) return toUserView(user);
      const updated = await identityWrites.setDisabled(tx, user.id, isDisabled ? new Date() : null);
      if (isDisabled) await identityWrites.deleteSessions(tx, user.id);
      return toUserView(updated);
    });
  }
}
