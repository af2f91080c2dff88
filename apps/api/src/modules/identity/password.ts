import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { AppError } from '../../errors/app-error.js';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

// OWASP's scrypt baseline: N=2^17, r=8, p=1 (128 MiB per hash).
const PARAMS = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;

/** scrypt computations at once: each takes 128 MiB and a libuv thread (4 in all, shared with fs and DNS). */
export const MAX_CONCURRENT_HASHES = 2;
/** Computations waiting for a turn; beyond them a sign-in is refused at once (PasswordHashingBusyError). */
export const MAX_WAITING_HASHES = 32;

/** Too many passwords are being hashed or checked at once: try again in a moment (sign-in maps it, see login). */
export class PasswordHashingBusyError extends AppError {
  constructor() {
    super(
      'CONFLICT',
      `the server is busy checking passwords (${MAX_CONCURRENT_HASHES} at once, ${MAX_WAITING_HASHES} waiting); try again in a few seconds`,
    );
    this.name = 'PasswordHashingBusyError';
  }
}

/**
 * A small concurrency gate: at most `max` tasks run, at most `maxWaiting` wait in
 * order, the rest are refused. A sign-in flood then costs a bounded amount of CPU and
 * memory, and the threads the rest of the API needs stay free.
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** The most tasks that ever ran at once (observability and tests). */
  peak = 0;

  constructor(
    private readonly max: number,
    private readonly maxWaiting: number,
    private readonly busy: () => Error,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) {
      if (this.waiting.length >= this.maxWaiting) throw this.busy();
      // The finishing task hands its slot over: `active` stays counted.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

/** Every scrypt computation of this process goes through it. */
export const passwordHashing = new ConcurrencyGate(
  MAX_CONCURRENT_HASHES,
  MAX_WAITING_HASHES,
  () => new PasswordHashingBusyError(),
);

/** `scrypt$N$r$p$salt$hash`, both base64: self-describing, so parameters can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await passwordHashing.run(() =>
    scrypt(password, salt, KEY_LENGTH, { ...PARAMS, maxmem: 256 * 1024 * 1024 }),
  );
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Throws PasswordHashingBusyError when too many checks are already running and waiting. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await passwordHashing.run(() =>
    scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: 256 * 1024 * 1024,
    }),
  );
  return timingSafeEqual(actual, expected);
}
