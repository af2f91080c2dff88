import { execFileSync } from 'node:child_process';
import type { UserIds } from './folder-access.js';

export interface SystemUser extends UserIds {
  name: string;
}

/** The uid and gid of a local user, or undefined when there is none by that name. */
export function lookUpUser(name: string): SystemUser | undefined {
  try {
    const entry = execFileSync('getent', ['passwd', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [, , uid, gid] = entry.trim().split(':');
    if (uid === undefined || gid === undefined) return undefined;
    return { name, uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}

/**
 * A system user without a home or a login shell, created (with its own group) when
 * missing; only root can create one, so other callers get undefined when it is missing.
 */
export function ensureSystemUser(name: string): SystemUser | undefined {
  const found = lookUpUser(name);
  if (found || process.getuid?.() !== 0) return found;
  try {
    execFileSync(
      'useradd',
      [
        '--system',
        '--user-group',
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        name,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    // Another process may have created it at the same moment.
    const created = lookUpUser(name);
    if (created) return created;
    throw new Error(`could not create the user "${name}": ${(error as Error).message}`);
  }
  return lookUpUser(name);
}
