import { DEFAULT_ADMIN_PASSWORD } from '../../config/env-schema.js';
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

/** Which credential a request came with: `logout` ends it, the sessions list marks it. */
export interface Credential {
  kind: 'session' | 'apiToken';
  id: string;
}

/** Where a sign-in comes from, kept with the session for the user's list of sessions. */
export interface SignInClient {
  ip?: string;
  userAgent?: string;
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
    private readonly options: {
      sessionTtlMs: number;
      authCache?: AuthCache;
      /** False: `login` is refused, users sign in with single sign-on (CYCLONE_PASSWORD_SIGN_IN). */
      passwordSignIn?: boolean;
    },
    private readonly logger: Logger,
  ) {}

  async login(
    email: string,
    password: string,
    client: SignInClient = {},
  ): Promise<{ token: string; expiresAt: Date; user: AuthUser }> {
    if (this.options.passwordSignIn === false) {
      throw new AppError(
        'FORBIDDEN',
        'signing in with a password is turned off here (CYCLONE_PASSWORD_SIGN_IN=false); sign in with single sign-on, or use an API token',
      );
    }
    const clientIp = client.ip;
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
    if (user.disabledAt) {
      // Said only to someone who knows the password: no way to probe which accounts are disabled.
      throw new AppError('UNAUTHENTICATED', 'this account is disabled; a platform administrator can enable it again');
    }
    await this.throttle.recordSuccess(normalized);
    return { ...(await this.startSession(user.id, client)), user: toAuthUser(user) };
  }

  /** A new session of a user who proved who they are (password or single sign-on); returns its token and end. */
  async startSession(userId: string, client: SignInClient): Promise<{ token: string; expiresAt: Date }> {
    const token = generateToken('session');
    const expiresAt = new Date(Date.now() + this.options.sessionTtlMs);
    await this.repository.createSession({
      userId,
      tokenHash: hashToken(token),
      expiresAt,
      userAgent: (client.userAgent ?? '').slice(0, 300),
      clientIp: client.ip ?? null,
    });
    return { token, expiresAt };
  }

  /**
   * The user behind an `Authorization` header value (a session or an API token), or
   * undefined when there is none. HTTP and graphql-ws both come through here.
   */
  async authenticate(authorization: string | undefined): Promise<AuthUser | undefined> {
    return (await this.authenticateCredential(authorization))?.user;
  }

  /** Like `authenticate`, and says which credential it was (logout and the sessions list need it). */
  async authenticateCredential(
    authorization: string | undefined,
  ): Promise<{ user: AuthUser; credential: Credential } | undefined> {
    if (!authorization) return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('the Authorization header must be "Bearer <token>"');
    const token = match[1] as string;
    return token.startsWith('cyc_a_') ? this.authenticateApiToken(token) : this.authenticateSession(token);
  }

  private async authenticateSession(token: string): Promise<{ user: AuthUser; credential: Credential }> {
    const now = new Date();
    const session = await this.findCredential(token, (hash) => this.repository.findLiveSession(hash, now));
    if (!session || (session.expiresAt && session.expiresAt <= now)) {
      throw unauthenticated('the token is unknown, has expired or was signed out; sign in again');
    }
    assertEnabled(session);
    if (isStale(session.lastUsedAt, now)) {
      await this.repository.touchSession(session.id, now);
      session.lastUsedAt = now;
    }
    return { user: session.user, credential: { kind: 'session', id: session.id } };
  }

  private async authenticateApiToken(token: string): Promise<{ user: AuthUser; credential: Credential }> {
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
    assertEnabled(apiToken);
    if (isStale(apiToken.lastUsedAt, now)) {
      await this.repository.touchApiToken(apiToken.id, now);
      apiToken.lastUsedAt = now;
    }
    return { user: apiToken.user, credential: { kind: 'apiToken', id: apiToken.id } };
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

  /**
   * Creates the platform administrator on first boot; never changes an existing one's
   * password, except the documented default one, which CYCLONE_ADMIN_PASSWORD replaces.
   * Returns whether the administrator still has the default password (checked against
   * the stored hash, so a password changed since counts).
   */
  async seedAdmin(email: string, password: string): Promise<{ hasDefaultPassword: boolean }> {
    const normalized = normalizeEmail(email);
    const isDefault = password === DEFAULT_ADMIN_PASSWORD;
    const existing = await this.repository.findUserByEmail(normalized);
    if (!existing) {
      const created = await this.repository.createUserIfMissing({
        email: normalized,
        name: 'Administrator',
        passwordHash: await hashPassword(password),
        isAdmin: true,
        hasDefaultPassword: isDefault,
      });
      if (created) this.logger.info({ email: normalized }, 'seeded the administrator');
    }
    const admin = existing ?? (await this.repository.findUserByEmail(normalized));
    if (!admin) return { hasDefaultPassword: false };
    let hasDefaultPassword = await verifyPassword(DEFAULT_ADMIN_PASSWORD, admin.passwordHash);
    if (hasDefaultPassword && !isDefault) {
      await this.repository.setPasswordHash(admin.id, await hashPassword(password));
      this.logger.info(
        { email: normalized },
        "replaced the administrator's default password with CYCLONE_ADMIN_PASSWORD",
      );
      hasDefaultPassword = false;
    } else if (hasDefaultPassword !== admin.hasDefaultPassword) {
      await this.repository.markDefaultPassword(admin.id, hasDefaultPassword);
    }
    if (hasDefaultPassword) {
      this.logger.warn(
        { email: normalized },
        `!!! The administrator uses the DEFAULT password "${DEFAULT_ADMIN_PASSWORD}". Set CYCLONE_ADMIN_PASSWORD, or change the password, before exposing Cyclone to anyone. !!!`,
      );
    }
    return { hasDefaultPassword };
  }

  /** Whether the user still has the seeded administrator's default password (the web shows a banner). */
  hasDefaultPassword(userId: string): Promise<boolean> {
    return this.repository.hasDefaultPassword(userId);
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function toAuthUser(user: { id: string; email: string; name: string; isAdmin: boolean }): AuthUser {
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
}

function assertEnabled(credential: CredentialRow): void {
  if (credential.userDisabledAt) {
    throw unauthenticated(
      `the account ${credential.user.email} is disabled; a platform administrator can enable it again`,
    );
  }
}

function isStale(lastUsedAt: Date | null, now: Date): boolean {
  return !lastUsedAt || now.getTime() - lastUsedAt.getTime() > TOUCH_INTERVAL_MS;
}
