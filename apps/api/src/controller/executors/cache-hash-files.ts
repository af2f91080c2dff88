import { createHash } from 'node:crypto';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { globMatcher } from '@cyclone/domain/core';
import { openInWorkspace } from './workspace-files.js';

/** Entries looked at per evaluation at most: a key is no reason to walk a huge tree forever. */
const MAX_ENTRIES = 200_000;

/**
 * `hashFiles(patterns)` of a cache key: the hex sha256 over the contents of the
 * workspace files the patterns match (globMatcher), in sorted path order; '' when
 * none match. Read by the process that sees the workspace. Links are followed while
 * they stay inside it (resources are linked into place); a file that leads out of it
 * is refused, as for artifacts. Cyclone's own `.cyclone` folders are left out.
 */
export async function hashWorkspaceFiles(workspace: string, patterns: readonly string[]): Promise<string> {
  const root = await realpath(workspace);
  const files = (await listWorkspaceFiles(root)).filter(globMatcher(patterns)).sort();
  if (files.length === 0) return '';
  const hash = createHash('sha256');
  for (const file of files) {
    const opened = await openInWorkspace(root, join(root, file), file);
    try {
      for await (const chunk of opened.handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
    } finally {
      await opened.handle.close();
    }
  }
  return hash.digest('hex');
}

/** Relative paths (`a/b`) of the workspace's files, links to files included. */
async function listWorkspaceFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>([root]);
  let budget = MAX_ENTRIES;
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      budget -= 1;
      if (budget < 0) throw new Error(`hashFiles: more than ${MAX_ENTRIES} entries in the workspace`);
      if (entry.name === '.cyclone') continue;
      const path = join(dir, entry.name);
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isFile()) files.push(relative);
      else if (entry.isDirectory()) await walk(path, relative);
      else if (entry.isSymbolicLink()) {
        const target = await realpath(path).catch(() => undefined);
        if (!target || (target !== root && !target.startsWith(`${root}${sep}`))) {
          // Outside the workspace: a file is kept (and refused when read), a folder is not entered.
          if (target && (await stat(target).catch(() => undefined))?.isFile()) files.push(relative);
          continue;
        }
        const found = await stat(target);
        if (found.isFile()) files.push(relative);
        else if (found.isDirectory() && !seen.has(target)) {
          seen.add(target);
          await walk(path, relative);
        }
      }
    }
  };
  await walk(root, '');
  return files;
}
