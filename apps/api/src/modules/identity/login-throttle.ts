import { AppError } from '../../errors/app-error.js';
import type { LoginThrottleRepository } from './login-throttle.repository.js';

export interface LoginThrottleOptions {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  windowMs: number;
}

/**
 * Limits failed sign-ins per account (email, known or not, so that the limit does not
 * reveal which accounts exist) and per client address. Once a key reaches its limit,
 * every sign-in for it is refused, even with the right password, until one window has
 * passed. A successful sign-in clears the account's counter but not the address's:
 * an attacker holding one valid account must not be able to reset their address.
 */
export class LoginThrottle {
  constructor(
    private readonly repository: LoginThrottleRepository,
    private readonly options: LoginThrottleOptions,
  ) {}

  async assertAllowed(email: string, clientIp: string | undefined, now: Date): Promise<void> {
    const locked = await this.repository.findLocked(keysOf(email, clientIp), now);
    const lock = locked.find((row) => row.key.startsWith('email:')) ?? locked[0];
    if (!lock?.lockedUntil) return;
    const who = lock.key.startsWith('email:') ? 'this account' : 'your address';
    throw new AppError('UNAUTHENTICATED', `too many failed sign-ins for ${who}; ${retryHint(lock.lockedUntil, now)}`, {
      retryAt: lock.lockedUntil.toISOString(),
    });
  }

  async recordFailure(email: string, clientIp: string | undefined, now: Date): Promise<void> {
    const { windowMs, maxFailuresPerAccount, maxFailuresPerIp } = this.options;
    await this.repository.recordFailure(accountKey(email), now, windowMs, maxFailuresPerAccount);
    if (clientIp) await this.repository.recordFailure(ipKey(clientIp), now, windowMs, maxFailuresPerIp);
  }

  recordSuccess(email: string): Promise<void> {
    return this.repository.clear(accountKey(email));
  }
}

const accountKey = (email: string) => `email:${email}`;
const ipKey = (ip: string) => `ip:${ip}`;

function keysOf(email: string, clientIp: string | undefined): string[] {
  return clientIp ? [accountKey(email), ipKey(clientIp)] : [accountKey(email)];
}

function retryHint(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return `try again after ${until.toISOString()} (in ${minutes} minute${minutes === 1 ? '' : 's'})`;
}
