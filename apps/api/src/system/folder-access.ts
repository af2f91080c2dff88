import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** A user as the kernel checks it: its uid and primary gid (supplementary groups are not counted). */
export interface UserIds {
  uid: number;
  gid: number;
}

/** A folder on the way to a path that a user cannot enter, with its mode (e.g. `0700`). */
export interface BlockingFolder {
  folder: string;
  mode: string;
}

/**
 * The first folder on the way to `path` (its ancestors, then the path itself when it
 * exists) that `user` may not enter (no search permission for it as owner, group or
 * other); undefined when every existing folder on the way lets it through.
 */
export function findBlockingFolder(path: string, user: UserIds): BlockingFolder | undefined {
  const chain: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    chain.unshift(at);
    if (at === dirname(at)) break;
  }
  for (const folder of chain) {
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(folder);
    } catch {
      return undefined; // Not made yet: what exists lets the user through.
    }
    if (!stats.isDirectory()) return undefined;
    if (!canEnter(stats.mode, stats.uid, stats.gid, user)) {
      return { folder, mode: `0${(stats.mode & 0o777).toString(8)}` };
    }
  }
  return undefined;
}

/** Search permission on a folder for a non-root user (the kernel's owner, then group, then other rule). */
export function canEnter(mode: number, ownerUid: number, ownerGid: number, user: UserIds): boolean {
  if (user.uid === 0) return true;
  if (ownerUid === user.uid) return (mode & 0o100) !== 0;
  if (ownerGid === user.gid) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}
