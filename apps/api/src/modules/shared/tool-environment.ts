import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Settings an operator may need tools to follow (proxies, CA bundles); none is the API's own secret. */
const PASSED_THROUGH = [
  'PATH',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

let emptyHome: string | undefined;

/**
 * The environment of a program the API runs for a tenant (git and svn for checks and
 * repository browsing, tar for artifacts): the PATH, proxy and CA settings, a C locale
 * and an empty HOME, never the API's own environment (DATABASE_URL,
 * CYCLONE_ENCRYPTION_KEY, …), and no user or system git configuration.
 */
export function toolEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  emptyHome ??= mkdtempSync(join(tmpdir(), 'cyclone-tool-home-'));
  const passed = Object.fromEntries(
    PASSED_THROUGH.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name] as string]])),
  );
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    ...passed,
    LC_ALL: 'C',
    HOME: emptyHome,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}
