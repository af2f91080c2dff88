import { AppError, unauthenticated } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import type { IdentityRepository } from './identity.repository.js';
import { hashPassword, verifyPassword } from './password.js';
import { generateToken, hashToken } from './token.js';

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
}

// A real hash of a random password, so that unknown emails cost as much as wrong passwords.
const TIMING_DECOY = hashPassword(`decoy-${Math.random()}`);

// Sessions are touched at most this often, so that reads do not each cost a write.
const TOUCH_INTERVAL_MS = 60_000;

export class IdentityService {
  constructor(
    private readonly repository: IdentityRepository,
    private readonly options: { sessionTtlMs: number },
    private readonly logger: Logger,
  ) {}

  async login(email: string, password: string): Promise<{ token: string; user: AuthUser }> {
    const user = await this.repository.findUserByEmail(email.trim().toLowerCase());
    const isValid = await verifyPassword(password, user?.passwordHash ?? (await TIMING_DECOY));
    if (!user || !isValid) {
      this.logger.info({ email }, 'failed login');
      throw new AppError('UNAUTHENTICATED', 'email or password is wrong');
    }
    const token = generateToken('session');
    await this.repository.createSession({
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + this.options.sessionTtlMs),
    });
    return { token, user: toAuthUser(user) };
  }

  /** The user behind an `Authorization` header value, or undefined when there is none. */
  async authenticate(authorization: string | undefined): Promise<AuthUser | undefined> {
    if (!authorization) return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('the Authorization header must be "Bearer <token>"');
    const now = new Date();
    const session = await this.repository.findLiveSession(hashToken(match[1] as string), now);
    if (!session) throw unauthenticated('the token is unknown or has expired; sign in again');
    if (!session.lastUsedAt || now.getTime() - session.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.repository.touchSession(session.id, now);
    }
    return toAuthUser(session.user);
  }

  /** Creates the platform administrator on first boot; never changes an existing one. */
  async seedAdmin(email: string, password: string, isDefaultPassword: boolean): Promise<void> {
    const existing = await this.repository.findUserByEmail(email.toLowerCase());
    const created =
      !existing &&
      (await this.repository.createUserIfMissing({
        email: email.toLowerCase(),
        name: 'Administrator',
        passwordHash: await hashPassword(password),
        isAdmin: true,
      }));
    if (created) this.logger.info({ email }, 'seeded the administrator');
    if (isDefaultPassword) {
      this.logger.warn(
        { email },
        '!!! The administrator uses the DEFAULT password "cyclone-admin". Set CYCLONE_ADMIN_PASSWORD before first boot, or change it, before exposing Cyclone to anyone. !!!',
      );
    }
  }
}

function toAuthUser(user: { id: string; email: string; name: string; isAdmin: boolean }): AuthUser {
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
}
