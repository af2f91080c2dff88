import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { EncryptionKeyError, loadEncryptionKey, readOrCreateKeyFile } from './encryption-key.js';
import { SecretBox, SecretBoxError } from './secret-box.js';

const secret = 'p@ss:word "quoted"\nnext line ✓';

describe('SecretBox', () => {
  it('round-trips text and JSON, with a fresh IV each time', () => {
    const box = new SecretBox(randomBytes(32));
    const a = box.seal(secret);
    const b = box.seal(secret);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('word');
    expect(box.open(a)).toBe(secret);
    expect(box.openJson(box.sealJson({ token: secret }))).toEqual({ token: secret });
  });

  it('refuses altered ciphertext, IV or tag', () => {
    const box = new SecretBox(randomBytes(32));
    const [v, iv, tag, data] = box.seal(secret).split(':') as [string, string, string, string];
    const flip = (text: string) => {
      const bytes = Buffer.from(text, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64');
    };
    for (const sealed of [
      [v, iv, tag, flip(data)],
      [v, flip(iv), tag, data],
      [v, iv, flip(tag), data],
    ]) {
      expect(() => box.open(sealed.join(':'))).toThrow(SecretBoxError);
    }
    expect(() => box.open(['v2', iv, tag, data].join(':'))).toThrow(/not a v1/);
    expect(() => box.open('garbage')).toThrow(SecretBoxError);
  });

  it('refuses to open with another key', () => {
    const sealed = new SecretBox(randomBytes(32)).seal(secret);
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(/wrong key or altered data/);
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('encryption key file', () => {
  const logger = pino({ level: 'silent' });
  const keyFileIn = () => join(mkdtempSync(join(tmpdir(), 'cyclone-key-')), 'sub', 'encryption.key');

  it('is generated once with mode 0600 and reused', () => {
    const path = keyFileIn();
    const first = readOrCreateKeyFile(path);
    expect(first).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readOrCreateKeyFile(path).equals(first)).toBe(true);
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64').equals(first)).toBe(true);
  });

  it('refuses a file others can read', () => {
    const path = keyFileIn();
    readOrCreateKeyFile(path);
    chmodSync(path, 0o644);
    expect(() => readOrCreateKeyFile(path)).toThrow(EncryptionKeyError);
    expect(() => readOrCreateKeyFile(path)).toThrow(/mode 644.*chmod 600/);
  });

  it('refuses a file of the wrong length', () => {
    const path = keyFileIn();
    readOrCreateKeyFile(path);
    writeFileSync(path, randomBytes(16).toString('base64'));
    expect(() => readOrCreateKeyFile(path)).toThrow(/base64 of 32 bytes/);
  });

  it('prefers the configured key, and warns when an external database runs without one', () => {
    const configured = randomBytes(32);
    const path = keyFileIn();
    expect(loadEncryptionKey({ encryptionKey: configured, keyFile: path, hasExternalDatabase: true }, logger)).toBe(
      configured,
    );
    const warnings: string[] = [];
    const recording = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const key = loadEncryptionKey({ encryptionKey: undefined, keyFile: path, hasExternalDatabase: true }, recording);
    expect(key).toHaveLength(32);
    expect(warnings.join('')).toContain('CYCLONE_ENCRYPTION_KEY is not set');
  });
});
