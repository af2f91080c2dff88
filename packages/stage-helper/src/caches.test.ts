import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashFiles } from './caches.js';

describe('hashFiles in a stage pod', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'helper-hash-'));
  mkdirSync(join(workspace, 'b', 'deep'), { recursive: true });
  mkdirSync(join(workspace, '.cyclone'), { recursive: true });
  writeFileSync(join(workspace, 'go.sum'), 'root\n');
  writeFileSync(join(workspace, 'b', 'x.sum'), 'bx\n');
  writeFileSync(join(workspace, 'b', 'deep', 'a.sum'), 'bda\n');
  writeFileSync(join(workspace, '.cyclone', 'c.sum'), 'cyclone\n');
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it('gives what the API gives: sha256 over the contents in sorted path order, .cyclone left out', async () => {
    const sha = createHash('sha256').update('bda\nbx\nroot\n').digest('hex');
    expect(await hashFiles(workspace, ['go.sum', 'b/**/*.sum', '**/c.sum'])).toBe(sha);
    expect(await hashFiles(workspace, ['none/*'])).toBe('');
  });
});
