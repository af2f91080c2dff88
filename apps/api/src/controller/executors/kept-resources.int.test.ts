import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logCollector } from '../../testing/log-collector.js';
import { allowLocalTestRepositories } from '../../testing/outbound-policies.js';
import { createGitRepository } from '../../testing/stage-io.js';
import type { KeptResource } from './kept-resources.js';
import { provideResource, type ResourcePull } from './stage-inputs.js';

/** Persistent resources on the local executors: a copy kept per tenant and resource, through real git. */
describe('persistent resources: the kept copy', () => {
  let repo: ReturnType<typeof createGitRepository>;
  let root: string;
  let kept: string;
  let runs = 0;
  const signal = new AbortController().signal;
  const key = 'tenant-a/resource-1';
  const pullOf = (pullPolicy: KeptResource['pullPolicy'], extra: Partial<ResourcePull> = {}): ResourcePull => ({
    name: 'src',
    type: 'Git',
    url: `file://${repo.bare}`,
    revision: 'main',
    path: 'src',
    persistent: { key, pullPolicy, claim: { pvc: 'cache', path: '/src' } },
    ...extra,
  });
  /** A new run's places (its own workspace and pulls), all sharing one folder of kept copies. */
  const newRun = () => {
    runs += 1;
    return { workspace: join(root, `run-${runs}`, 'workspace'), pulls: join(root, `run-${runs}`, 'pulls'), kept };
  };
  const version = (places: { workspace: string }) => readFileSync(join(places.workspace, 'src', 'version.txt'), 'utf8');
  const marker = () => join(kept, key, '.git', 'kept-marker');
  /** A commit on main of the served repository. */
  const pushVersion = (text: string) => {
    const work = join(repo.bare, '..', 'work');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@cyclone.local', '-c', 'user.name=t', ...args], { cwd: work });
    git('checkout', '-q', 'main');
    writeFileSync(join(work, 'version.txt'), `${text}\n`);
    git('commit', '-q', '-am', text);
    git('push', '-q', repo.bare, 'main');
  };

  beforeAll(() => {
    allowLocalTestRepositories();
    repo = createGitRepository();
    root = mkdtempSync(join(tmpdir(), 'cyclone-kept-'));
    kept = join(root, 'kept-resources');
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(join(repo.bare, '..'), { recursive: true, force: true });
  });

  it('IfNotExist: the first run makes the copy; the next fetches only what changed into the same copy', async () => {
    const first = newRun();
    const a = logCollector();
    await provideResource(first, pullOf('IfNotExist'), a.writer, signal);
    expect(a.lines).toContain('[cyclone] resource "src": making its kept copy afresh (none kept yet)');
    expect(version(first)).toBe('two\n');
    writeFileSync(marker(), 'still here');
    // What a stage changes is its own: the kept copy does not get it.
    writeFileSync(join(first.workspace, 'src', 'built.txt'), 'output');

    pushVersion('three');
    const second = newRun();
    const b = logCollector();
    await provideResource(second, pullOf('IfNotExist'), b.writer, signal);
    expect(b.lines).toContain('[cyclone] resource "src": updating its kept copy (pullPolicy IfNotExist)');
    expect(b.lines.some((line) => line.startsWith('[cyclone] pulling Git resource'))).toBe(false);
    expect(version(second)).toBe('three\n');
    expect(readFileSync(marker(), 'utf8')).toBe('still here');
    expect(existsSync(join(second.workspace, 'src', 'built.txt'))).toBe(false);
    expect(existsSync(join(kept, key, 'built.txt'))).toBe(false);
    // The API's pulls folder of the run holds nothing of it afterwards.
    expect(existsSync(join(second.pulls, 'src'))).toBe(false);
  });

  it('Always, or a changed URL, makes the copy afresh', async () => {
    const always = logCollector();
    const run = newRun();
    await provideResource(run, pullOf('Always'), always.writer, signal);
    expect(always.lines).toContain('[cyclone] resource "src": making its kept copy afresh (pullPolicy Always)');
    expect(existsSync(marker())).toBe(false);
    expect(version(run)).toBe('three\n');

    writeFileSync(marker(), 'old url');
    const moved = logCollector();
    const other = `${repo.bare}/../repo.git`;
    await provideResource(newRun(), pullOf('IfNotExist', { url: `file://${other}` }), moved.writer, signal);
    expect(moved.lines).toContain('[cyclone] resource "src": making its kept copy afresh (its URL changed)');
    expect(existsSync(marker())).toBe(false);
  });

  it('a failed update is not trusted: the next run starts the copy clean', async () => {
    await provideResource(newRun(), pullOf('IfNotExist'), logCollector().writer, signal);
    const failing = logCollector();
    await expect(
      provideResource(newRun(), pullOf('IfNotExist', { revision: 'no-such-branch' }), failing.writer, signal),
    ).rejects.toThrow(/git fetch failed/);
    expect(failing.lines).toContain('[cyclone] resource "src": updating its kept copy (pullPolicy IfNotExist)');
    const next = logCollector();
    const run = newRun();
    await provideResource(run, pullOf('IfNotExist'), next.writer, signal);
    expect(next.lines).toContain('[cyclone] resource "src": making its kept copy afresh (none kept yet)');
    expect(version(run)).toBe('three\n');
  });

  it('runs serialize on the copy: one waits while another holds it, and a stop ends the wait', async () => {
    const lock = join(kept, `${key}.lock`);
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), `${hostname()} ${process.pid}\n`);
    const waiting = logCollector();
    const run = newRun();
    const pulling = provideResource(run, pullOf('IfNotExist'), waiting.writer, signal);
    await expect
      .poll(() => waiting.lines, { timeout: 10_000 })
      .toContain('[cyclone] resource "src": waiting for another run using its kept copy');
    expect(existsSync(join(run.workspace, 'src'))).toBe(false);

    const stop = new AbortController();
    const stopped = provideResource(newRun(), pullOf('IfNotExist'), logCollector().writer, stop.signal);
    stop.abort();
    await expect(stopped).rejects.toThrow();

    rmSync(lock, { recursive: true, force: true });
    await pulling;
    expect(version(run)).toBe('three\n');

    // Runs started together all get the copy, one after the other.
    const together = [newRun(), newRun(), newRun()];
    await Promise.all(
      together.map((places) => provideResource(places, pullOf('IfNotExist'), logCollector().writer, signal)),
    );
    expect(together.map(version)).toEqual(['three\n', 'three\n', 'three\n']);
  });
});
