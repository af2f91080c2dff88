import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../logging/logger.js';
import { KEY_BYTES } from './secret-box.js';

export interface KeySource {
  /** From CYCLONE_ENCRYPTION_KEY. */
  encryptionKey: Buffer | undefined;
  keyFile: string;
  /** Whether an external database is configured (a production-like setup). */
  hasExternalDatabase: boolean;
}

export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

/**
 * The key of integration secrets: CYCLONE_ENCRYPTION_KEY when set, otherwise a key
 * generated once into the data dir (mode 0600) and reused on every later start. A
 * key file others can read, or of the wrong size, stops the start rather than
 * silently using (or replacing) a key that may be compromised or corrupt.
 */
export function loadEncryptionKey(source: KeySource, logger: Logger): Buffer {
  if (source.encryptionKey) return source.encryptionKey;
  if (source.hasExternalDatabase) {
    logger.warn(
      { keyFile: source.keyFile },
      'CYCLONE_ENCRYPTION_KEY is not set: integration secrets are encrypted with a key file in the data dir; set the variable in production',
    );
  }
  return readOrCreateKeyFile(source.keyFile, logger);
}

export function readOrCreateKeyFile(path: string, logger?: Logger): Buffer {
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(KEY_BYTES);
  // Written whole under a private name, then linked into place: link fails when the
  // file exists, so concurrent starts never see a half-written key or replace one.
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(draft, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readKeyFile(path);
  } finally {
    unlinkSync(draft);
  }
  logger?.info({ keyFile: path }, 'generated the encryption key of integration secrets');
  return key;
}

function readKeyFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const mode = fstatSync(fd).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new EncryptionKeyError(
        `the encryption key file ${path} has mode ${mode.toString(8)}; it must be readable by its owner only (chmod 600), or set CYCLONE_ENCRYPTION_KEY`,
      );
    }
    const text = readFileSync(fd, 'utf8').trim();
    const key = Buffer.from(text, 'base64');
    if (key.length !== KEY_BYTES || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
      throw new EncryptionKeyError(
        `the encryption key file ${path} does not hold base64 of ${KEY_BYTES} bytes; restore it or set CYCLONE_ENCRYPTION_KEY`,
      );
    }
    return key;
  } finally {
    closeSync(fd);
  }
}
