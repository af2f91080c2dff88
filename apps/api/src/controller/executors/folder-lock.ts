import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '../../system/process-alive.js';

/**
 * Takes a lock folder (mkdir is atomic), naming this process as its owner; false when
 * another holds it. A lock whose owner died on this host is removed, so the next try
 * takes it. Release: remove the folder.
 */
export async function tryLock(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = await readFile(join(lock, 'owner'), 'utf8').catch(() => '');
    const [host, pid] = owner.trim().split(' ');
    // A lock whose owner died is stale; one without an owner yet is being taken right now.
    if (host === hostname() && pid && !isProcessAlive(Number(pid))) await rm(lock, { recursive: true, force: true });
    return false;
  }
  await writeFile(join(lock, 'owner'), `${hostname()} ${process.pid}\n`);
  return true;
}
