import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canEnter, findBlockingFolder } from './folder-access.js';

describe('canEnter', () => {
  const user = { uid: 1000, gid: 1000 };
  it('applies the owner bits to the owner, the group bits to the group, the other bits to the rest', () => {
    expect(canEnter(0o700, 1000, 0, user)).toBe(true);
    expect(canEnter(0o700, 0, 0, user)).toBe(false);
    expect(canEnter(0o750, 0, 1000, user)).toBe(true);
    expect(canEnter(0o075, 1000, 0, user)).toBe(false); // the owner bits win, even when others may
    expect(canEnter(0o711, 0, 0, user)).toBe(true);
    expect(canEnter(0o000, 5, 5, { uid: 0, gid: 0 })).toBe(true);
  });
});

describe('findBlockingFolder', () => {
  it('names the first folder on the way a user may not enter, with its mode', () => {
    const root = mkdtempSync(join(tmpdir(), 'cyclone-folders-'));
    try {
      chmodSync(root, 0o755);
      mkdirSync(join(root, 'private', 'inside'), { recursive: true });
      chmodSync(join(root, 'private'), 0o700);
      const other = { uid: 4242, gid: 4242 };
      expect(findBlockingFolder(join(root, 'private', 'inside', 'not-yet'), other)).toEqual({
        folder: join(root, 'private'),
        mode: '0700',
      });
      expect(findBlockingFolder(join(root, 'open', 'x'), other)).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
