import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configPath, normalizeServer, readConfig, resolveSettings, writeConfig } from './config.js';
import { CliError } from './errors.js';

describe('config file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cyclone-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives at CYCLONE_CONFIG, else under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configPath({ CYCLONE_CONFIG: '/x/c.json', XDG_CONFIG_HOME: '/xdg' })).toBe('/x/c.json');
    expect(configPath({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/cyclone/config.json');
    expect(configPath({})).toBe(join(homedir(), '.config', 'cyclone', 'config.json'));
  });

  it('is written 0600 in a 0700 folder, also over an older, looser file', () => {
    const path = join(dir, 'nested', 'cyclone', 'config.json');
    writeConfig(path, { server: 'http://h', token: 'secret' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'nested', 'cyclone')).mode & 0o777).toBe(0o700);
    writeFileSync(path, '{}', { mode: 0o644 });
    writeConfig(path, { server: 'http://h', token: 'other', tenant: 'acme' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ server: 'http://h', token: 'other', tenant: 'acme' });
  });

  it('reads a missing file as empty and refuses a broken one', () => {
    expect(readConfig(join(dir, 'none.json'))).toEqual({});
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{not json');
    expect(() => readConfig(path)).toThrow(CliError);
    expect(() => readConfig(path)).toThrow(/broken.json is not a valid config file/);
  });

  it('takes flags first, then CYCLONE_SERVER / CYCLONE_TOKEN, then the file', () => {
    const path = join(dir, 'config.json');
    writeConfig(path, { server: 'http://file:4000', token: 'file-token', tenant: 'acme', project: 'web' });
    const env = { CYCLONE_CONFIG: path };
    expect(resolveSettings({}, env)).toEqual({
      server: 'http://file:4000',
      token: 'file-token',
      tenant: 'acme',
      project: 'web',
      configFile: path,
    });
    const fromEnv = resolveSettings({}, { ...env, CYCLONE_SERVER: 'env:4000', CYCLONE_TOKEN: 'env-token' });
    expect(fromEnv).toMatchObject({ server: 'http://env:4000', token: 'env-token' });
    const fromFlags = resolveSettings(
      { server: 'https://flag/', token: 'flag-token', project: 'api' },
      { ...env, CYCLONE_TOKEN: 'env-token' },
    );
    expect(fromFlags).toMatchObject({ server: 'https://flag', token: 'flag-token', tenant: 'acme', project: 'api' });
  });

  it('normalizes the server address', () => {
    expect(normalizeServer('localhost:4000')).toBe('http://localhost:4000');
    expect(normalizeServer('https://c.example.com/graphql')).toBe('https://c.example.com');
    expect(normalizeServer('http://h:4000//')).toBe('http://h:4000');
    expect(normalizeServer(undefined)).toBeUndefined();
  });
});
