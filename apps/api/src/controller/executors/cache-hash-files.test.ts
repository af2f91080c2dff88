import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashWorkspaceFiles } from './cache-hash-files.js';

describe('hashFiles over a workspace', () => {
  const root = mkdtempSync(join(tmpdir(), 'cyclone-hash-'));
  const workspace = join(root, 'ws');
  mkdirSync(join(workspace, 'b', 'deep'), { recursive: true });
  mkdirSync(join(workspace, '.cyclone', 'resources', 'lib'), { recursive: true });
  writeFileSync(join(workspace, 'go.sum'), 'root\n');
  writeFileSync(join(workspace, 'b', 'x.sum'), 'bx\n');
  writeFileSync(join(workspace, 'b', 'deep', 'a.sum'), 'bda\n');
  writeFileSync(join(workspace, '.cyclone', 'resources', 'lib', 'l.sum'), 'lib\n');
  symlinkSync('.cyclone/resources/lib', join(workspace, 'lib'));
  writeFileSync(join(root, 'secret.sum'), 'outside\n');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const sha = (...parts: string[]) => createHash('sha256').update(parts.join('')).digest('hex');

  it('hashes the contents of the matching files in sorted path order', async () => {
    // b/deep/a.sum < b/x.sum < go.sum
    expect(await hashWorkspaceFiles(workspace, ['go.sum', 'b/**/*.sum'])).toBe(sha('bda\n', 'bx\n', 'root\n'));
    expect(await hashWorkspaceFiles(workspace, ['go.sum'])).toBe(sha('root\n'));
  });

  it('gives an empty string when nothing matches', async () => {
    expect(await hashWorkspaceFiles(workspace, ['nothing/**'])).toBe('');
  });

  it("follows links inside the workspace (placed resources), never Cyclone's own folder", async () => {
    expect(await hashWorkspaceFiles(workspace, ['lib/*.sum'])).toBe(sha('lib\n'));
    expect(await hashWorkspaceFiles(workspace, ['.cyclone/**/*.sum'])).toBe('');
  });

  it('refuses a file that leads out of the workspace', async () => {
    symlinkSync('../secret.sum', join(workspace, 'leak.sum'));
    await expect(hashWorkspaceFiles(workspace, ['leak.sum'])).rejects.toThrow(/leads out of the run workspace/);
  });
});
