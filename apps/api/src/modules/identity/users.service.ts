import type { Db } from '../../db/prisma.js';
import { conflict } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import { runMutation } from '../shared/mutation.js';
import { parseInput } from '../shared/validate-input.js';
import { createUserSchema } from './identity.inputs.js';
import type { IdentityRepository } from './identity.repository.js';
import { identityWrites } from './identity.repository.js';
import { type AuthUser, normalizeEmail, toAuthUser } from './identity.service.js';
import { hashPassword } from './password.js';

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

  async listUsers(): Promise<AuthUser[]> {
    return (await this.repository.listUsers()).map(toAuthUser);
  }
}
