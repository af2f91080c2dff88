import { AppError, unauthenticated } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthCache, CredentialRow } from './auth-cache.js';
import type { IdentityRepository } from './identity.repository.js';
import type { LoginThrottle } from './login-throttle.js';
import { hashPassword, PasswordHashingBusyError, verifyPassword } from './password.js';
import { generateToken, hashToken } from './token.js';

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
}

// A real hash of a random password, so that unknown emails cost as much as wrong passwords.
const TIMING_DECOY = hashPassword(`decoy-${Math.random()}`);

/** When a sign-in refused as busy may try again. */
const BUSY_RETRY_MS = 2_000;

// Sessions and API tokens are touched at most this often, so that reads do not each cost a write.
const TOUCH_INTERVAL_MS = 60_000;

export class IdentityService {
  constructor(
    private readonly repository: IdentityRepository,
    private readonly throttle: LoginThrottle,
    private readonly options: { sessionTtlMs: number; authCache?: AuthCache },
    private readonly logger: Logger,
  ) {}

  async login(email: string, password: string, clientIp?: string): Promise<{ token: string; user: AuthUser }> {
    const normalized = normalizeEmail(email);
    const now = new Date();
    await this.throttle.assertAllowed(normalized, clientIp, now);
    const user = await this.repository.findUserByEmail(normalized);
    const isValid = await verifyPassword(password, user?.passwordHash ?? (await TIMING_DECOY)).catch((error) => {
      // A sign-in flood: refused at once (not counted as a failure) instead of queueing without end.
      if (!(error instanceof PasswordHashingBusyError)) throw error;
      const retryAt = new Date(Date.now() + BUSY_RETRY_MS);
      throw new AppError(
        'UNAUTHENTICATED',
        `sign-in is busy: too many sign-ins are being checked at once; try again at ${retryAt.toISOString()}`,
        { retryAt: retryAt.toISOString() },
      );
    });
    if (!user || !isValid) {
      await this.throttle.recordFailure(normalized, clientIp, now);
      this.logger.info({ email: normalized, clientIp }, 'failed login');
      throw new AppError('UNAUTHENTICATED', 'email or password is wrong');
    }
    await this.throttle.recordSuccess(normalized);
    const token = generateToken('session');
    await this.repository.createSession({
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + this.options.sessionTtlMs),
    });
    return { token, user: toAuthUser(user) };
  }

  /**
   * The user behind an `Authorization` header value (a session or an API token), or
   * undefined when there is none. HTTP and graphql-ws both come through here.
   */
  async authenticate(authorization: string | undefined): Promise<AuthUser | undefined> {
    if (!authorization) return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('the Authorization header must be "Bearer <token>"');
    const token = match[1] as string;
    return token.startsWith('cyc_a_') ? this.authenticateApiToken(token) : this.authenticateSession(token);
  }

  private async authenticateSession(token: string): Promise<AuthUser> {
    const now = new Date();
    const session = await this.findCredential(token, (hash) => this.repository.findLiveSession(hash, now));
    if (!session || (session.expiresAt && session.expiresAt <= now)) {
      throw unauthenticated('the token is unknown or has expired; sign in again');
    }
    if (isStale(session.lastUsedAt, now)) {
      await this.repository.touchSession(session.id, now);
      session.lastUsedAt = now;
    }
    return session.user;
  }

  private async authenticateApiToken(token: string): Promise<AuthUser> {
    const now = new Date();
    const apiToken = await this.findCredential(token, (hash) => this.repository.findApiToken(hash));
    if (!apiToken) throw unauthenticated('the API token is unknown; create one with createApiToken');
    if (apiToken.revokedAt) {
      throw unauthenticated(`the API token "${apiToken.name}" was revoked; create a new one`);
    }
    if (apiToken.expiresAt && apiToken.expiresAt <= now) {
      throw unauthenticated(
        `the API token "${apiToken.name}" expired at ${apiToken.expiresAt.toISOString()}; create a new one`,
      );
    }
    if (isStale(apiToken.lastUsedAt, now)) {
      await this.repository.touchApiToken(apiToken.id, now);
      apiToken.lastUsedAt = now;
    }
    return apiToken.user;
  }

  /**
   * The credential row of a token, from the auth cache when it holds a current one.
   * The caller still checks expiry and revocation against now on every request.
   */
  private async findCredential(
    token: string,
    read: (tokenHash: string) => Promise<CredentialRow | null>,
  ): Promise<CredentialRow | null> {
    const tokenHash = hashToken(token);
    const cache = this.options.authCache;
    const cached = cache?.get(tokenHash);
    if (cached) return cached;
    const generation = cache?.begin();
    const row = await read(tokenHash);
    if (row) {
      row.user = toAuthUser(row.user);
      cache?.set(tokenHash, row, generation);
    }
    return row;
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

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function toAuthUser(user: { id: string; email: string; name: string; isAdmin: boolean }): AuthUser {
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
}

function isStale(lastUsedAt: Date | null, now: Date): boolean {
  return !lastUsedAt || now.getTime() - lastUsedAt.getTime() > TOUCH_INTERVAL_MS;
}
