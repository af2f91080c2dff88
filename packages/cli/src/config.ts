import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './errors.js';

/** What `cyclone login` and `cyclone config set` remember. */
export interface CliConfig {
  server?: string;
  token?: string;
  tenant?: string;
  project?: string;
}

export const CONFIG_KEYS = ['server', 'token', 'tenant', 'project'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

type Env = Record<string, string | undefined>;

/** `CYCLONE_CONFIG`, else `$XDG_CONFIG_HOME/cyclone/config.json`, else `~/.config/cyclone/config.json`. */
export function configPath(env: Env = process.env): string {
  if (env.CYCLONE_CONFIG) return env.CYCLONE_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'cyclone', 'config.json');
}

export function readConfig(path: string): CliConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    const config: CliConfig = {};
    for (const key of CONFIG_KEYS) {
      const field = (value as Record<string, unknown>)[key];
      if (typeof field === 'string' && field !== '') config[key] = field;
    }
    return config;
  } catch (error) {
    throw new CliError(`${path} is not a valid config file (${(error as Error).message}): fix or delete it`);
  }
}

/**
 * Writes the config readable by its owner only (0600; a directory we create is
 * 0700): it holds a token. The file is replaced atomically, so a crash never
 * leaves half a file, and an older file with looser permissions is replaced too.
 */
export function writeConfig(path: string, config: CliConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  const clean = Object.fromEntries(CONFIG_KEYS.flatMap((key) => (config[key] ? [[key, config[key]]] : [])));
  writeFileSync(temporary, `${JSON.stringify(clean, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600); // the umask may have narrowed the mode, never widened it: be explicit anyway
  renameSync(temporary, path);
}

/** Where each setting comes from: flags first, then CYCLONE_SERVER / CYCLONE_TOKEN, then the file. */
export interface Settings {
  server?: string;
  token?: string;
  tenant?: string;
  project?: string;
  configFile: string;
}

export function resolveSettings(
  flags: { server?: string; token?: string; tenant?: string; project?: string },
  env: Env = process.env,
): Settings {
  const configFile = configPath(env);
  const file = readConfig(configFile);
  return {
    server: normalizeServer(flags.server ?? (env.CYCLONE_SERVER || undefined) ?? file.server),
    token: flags.token ?? (env.CYCLONE_TOKEN || undefined) ?? file.token,
    tenant: flags.tenant ?? (env.CYCLONE_TENANT || undefined) ?? file.tenant,
    project: flags.project ?? (env.CYCLONE_PROJECT || undefined) ?? file.project,
    configFile,
  };
}

/** `localhost:4000` → `http://localhost:4000`; no trailing slash, no `/graphql`. */
export function normalizeServer(server: string | undefined): string | undefined {
  if (!server) return undefined;
  let url = server.trim();
  if (!/^https?:\/\//i.test(url)) url = `http://${url}`;
  url = url.replace(/\/+$/, '').replace(/\/graphql$/, '');
  return url;
}
