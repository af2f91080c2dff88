import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type InputsSpec, pullOnce, runInputs } from './inputs.js';

describe('pullOnce', () => {
  it('pulls once for concurrent stages of a run; the others wait and reuse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulls-'));
    let pulls = 0;
    const pull = () => {
      pulls += 1;
    };
    const results = await Promise.all([
      pullOnce(dir, 'repo', pull),
      pullOnce(dir, 'repo', pull),
      pullOnce(dir, 'repo', pull),
    ]);
    expect(pulls).toBe(1);
    expect(results.sort()).toEqual(['pulled', 'reused', 'reused']);
    expect(existsSync(join(dir, 'repo.lock'))).toBe(false);
  });

  it('leaves no lock behind when a pull fails, so the next stage tries again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulls-'));
    await expect(
      pullOnce(dir, 'repo', () => {
        throw new Error('clone failed');
      }),
    ).rejects.toThrow('clone failed');
    expect(await pullOnce(dir, 'repo', () => undefined)).toBe('pulled');
  });
});

describe('runInputs: a persistent resource kept on its claim', () => {
  const root = mkdtempSync(join(tmpdir(), 'kept-'));
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@x', ...args], { cwd, encoding: 'utf8' }).trim();
  const origin = join(root, 'origin');
  mkdirSync(origin);
  git(origin, 'init', '-q', '-b', 'main');
  const commit = (text: string) => {
    writeFileSync(join(origin, 'version.txt'), `${text}\n`);
    git(origin, 'add', '-A');
    git(origin, 'commit', '-q', '-m', text);
  };
  commit('one');
  const kept = join(root, 'claim');
  mkdirSync(kept);
  let runs = 0;
  /** One stage pod's inputs: its own workspace, the claim's folder shared. */
  const pod = async (pullPolicy: 'Always' | 'IfNotExist', url = origin) => {
    runs += 1;
    const workspace = join(root, `run-${runs}`);
    mkdirSync(workspace);
    const log = join(root, `run-${runs}.log`);
    const spec: InputsSpec = {
      resources: [
        {
          name: 'src',
          type: 'Git',
          url,
          revision: 'main',
          path: join(workspace, 'src'),
          kept: { dir: kept, pullPolicy },
        },
      ],
      artifacts: [],
      workingDir: workspace,
    };
    await runInputs(spec, {}, log, workspace);
    return {
      version: readFileSync(join(workspace, 'src', 'version.txt'), 'utf8').trim(),
      lines: readFileSync(log, 'utf8').trim().split('\n'),
    };
  };

  it('makes the copy once, then brings it to the new revision in place (IfNotExist)', async () => {
    const first = await pod('IfNotExist');
    expect(first).toEqual({
      version: 'one',
      lines: [
        '[cyclone] resource "src": making its kept copy afresh (none kept yet)',
        `[cyclone] pulling Git resource "src" from ${origin}`,
      ],
    });
    // A mark in the kept clone tells whether the next run fetched into it or cloned again.
    writeFileSync(join(kept, 'copy', '.git', 'kept-mark'), '');
    commit('two');
    const second = await pod('IfNotExist');
    expect(second).toEqual({
      version: 'two',
      lines: ['[cyclone] resource "src": updating its kept copy (pullPolicy IfNotExist)'],
    });
    expect(existsSync(join(kept, 'copy', '.git', 'kept-mark'))).toBe(true);
  });

  it('starts afresh for Always and for a changed URL, and takes turns with a pod that holds it', async () => {
    expect((await pod('Always')).lines[0]).toBe(
      '[cyclone] resource "src": making its kept copy afresh (pullPolicy Always)',
    );
    expect(existsSync(join(kept, 'copy', '.git', 'kept-mark'))).toBe(false);
    const moved = join(root, 'moved');
    execFileSync('git', ['clone', '-q', origin, moved]);
    expect((await pod('IfNotExist', moved)).lines[0]).toBe(
      '[cyclone] resource "src": making its kept copy afresh (its URL changed)',
    );
    // Another pod holds the copy: this one waits, says so, and goes on once it is released.
    mkdirSync(join(kept, 'lock'));
    const waiting = pod('IfNotExist', moved);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    execFileSync('rm', ['-rf', join(kept, 'lock')]);
    const after = await waiting;
    expect(after.lines[0]).toBe('[cyclone] resource "src": waiting for another run using its kept copy');
    expect(after.lines[1]).toBe('[cyclone] resource "src": updating its kept copy (pullPolicy IfNotExist)');
  });
});
