import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installOutboundPolicy, OutboundPolicy } from '../../modules/outbound/outbound-policy.js';
import { logCollector } from '../../testing/log-collector.js';
import { allowLocalTestRepositories } from '../../testing/outbound-policies.js';
import { createGitRepository } from '../../testing/stage-io.js';
import { provideResource, type ResourcePull, workspacePath } from './stage-inputs.js';

/** A run's places: its workspace and the API's folder of its pulls. */
const placesIn = (dir: string) => ({ workspace: join(dir, 'workspace'), pulls: join(dir, 'pulls') });

describe('provideResource: where a pull may go', () => {
  it("refuses the API machine's own repositories and command transports, before git runs", async () => {
    installOutboundPolicy(new OutboundPolicy({ allow: ['127.0.0.1/32'] }));
    const repo = createGitRepository();
    const ws = mkdtempSync(join(tmpdir(), 'cyclone-refused-'));
    const marker = join(ws, 'ran');
    try {
      const base: ResourcePull = { name: 'src', type: 'Git', url: '', revision: '', path: 'src' };
      const signal = new AbortController().signal;
      for (const url of [`file://${repo.bare}`, repo.bare, `${repo.bare}/../repo.git`]) {
        const { lines, writer } = logCollector();
        await expect(provideResource(placesIn(ws), { ...base, url }, writer, signal)).rejects.toThrow(
          /is a repository on the Cyclone server's own machine, which tenants may not fetch/,
        );
        expect(lines.some((l) => l.includes('checked out'))).toBe(false);
      }
      await expect(
        provideResource(placesIn(ws), { ...base, url: `ext::sh -c touch% ${marker}` }, logCollector().writer, signal),
      ).rejects.toThrow(/a transport that runs a command/);
      // A loopback address other than the allowed one is refused by the same policy as every outbound call.
      await expect(
        provideResource(placesIn(ws), { ...base, url: 'http://127.0.0.2:9/repo.git' }, logCollector().writer, signal),
      ).rejects.toThrow(/127\.0\.0\.2 is a loopback address/);
      expect(existsSync(marker)).toBe(false);
      expect(existsSync(join(ws, 'workspace', 'src'))).toBe(false);
    } finally {
      rmSync(ws, { recursive: true, force: true });
      rmSync(join(repo.bare, '..'), { recursive: true, force: true });
    }
  });
});

describe('provideResource: one pull per run, shared safely', () => {
  let repo: ReturnType<typeof createGitRepository>;
  let root: string;
  let pull: ResourcePull;

  beforeAll(() => {
    allowLocalTestRepositories();
    repo = createGitRepository();
    root = mkdtempSync(join(tmpdir(), 'cyclone-pull-'));
    pull = { name: 'src', type: 'Git', url: `file://${repo.bare}`, revision: 'v1', path: 'src' };
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(join(repo.bare, '..'), { recursive: true, force: true });
  });

  it('two stages starting together pull once and each sees the checkout at its own path', async () => {
    const places = placesIn(join(root, 'together'));
    const ws = places.workspace;
    const [a, b] = [logCollector(), logCollector()];
    const signal = new AbortController().signal;
    await Promise.all([
      provideResource(places, pull, a.writer, signal),
      provideResource(places, { ...pull, path: '/workspace/deep/code' }, b.writer, signal),
    ]);
    const pulls = [...a.lines, ...b.lines].filter((line) => line.startsWith('[cyclone] pulling'));
    expect(pulls).toHaveLength(1);
    expect(readFileSync(join(ws, 'src', 'version.txt'), 'utf8')).toBe('one\n');
    expect(readFileSync(join(ws, 'deep', 'code', 'version.txt'), 'utf8')).toBe('one\n');
    // Relative links: they resolve the same wherever the workspace is seen (/workspace in the sandbox).
    expect(readlinkSync(join(ws, 'src'))).toBe('.cyclone/resources/src');
    expect(readlinkSync(join(ws, 'deep', 'code'))).toBe('../.cyclone/resources/src');
    // The pull itself stays in the API's folder only as its marker.
    expect(existsSync(join(places.pulls, 'src.lock'))).toBe(false);
    expect(existsSync(join(places.pulls, 'src.ready'))).toBe(true);
    expect(existsSync(join(places.pulls, 'src'))).toBe(false);
  });

  it('a resource at /workspace itself fills the workspace once', async () => {
    const places = placesIn(join(root, 'at-root'));
    const signal = new AbortController().signal;
    await provideResource(places, { ...pull, path: '/workspace' }, logCollector().writer, signal);
    writeFileSync(join(places.workspace, 'version.txt'), 'changed by a stage\n');
    await provideResource(places, { ...pull, path: '.' }, logCollector().writer, signal);
    expect(readFileSync(join(places.workspace, 'version.txt'), 'utf8')).toBe('changed by a stage\n');
    expect(existsSync(join(places.workspace, '.git'))).toBe(true);
  });

  it('refuses to place a resource where another resource or a file already is', async () => {
    const places = placesIn(join(root, 'clash'));
    const signal = new AbortController().signal;
    await provideResource(places, pull, logCollector().writer, signal);
    await expect(provideResource(places, { ...pull, name: 'other' }, logCollector().writer, signal)).rejects.toThrow(
      "src already holds another resource in this run's workspace",
    );
    writeFileSync(join(places.workspace, 'taken'), 'x');
    await expect(provideResource(places, { ...pull, path: 'taken' }, logCollector().writer, signal)).rejects.toThrow(
      "taken already exists in this run's workspace",
    );
  });

  it('takes over a lock whose owner died', async () => {
    const places = placesIn(join(root, 'stale'));
    mkdirSync(join(places.pulls, 'src.lock'), { recursive: true });
    const dead = spawn('true');
    await new Promise((resolve) => dead.once('close', resolve));
    writeFileSync(join(places.pulls, 'src.lock', 'owner'), `${hostname()} ${dead.pid}\n`);
    const { lines, writer } = logCollector();
    await provideResource(places, pull, writer, new AbortController().signal);
    expect(lines.filter((line) => line.startsWith('[cyclone] pulling'))).toHaveLength(1);
    expect(readFileSync(join(places.workspace, 'src', 'version.txt'), 'utf8')).toBe('one\n');
  });

  it('waits while another live process holds the lock, then uses its pull', async () => {
    const places = placesIn(join(root, 'waiting'));
    mkdirSync(join(places.pulls, 'src.lock'), { recursive: true });
    const holder = spawn('sleep', ['30']);
    writeFileSync(join(places.pulls, 'src.lock', 'owner'), `${hostname()} ${holder.pid}\n`);
    const { lines, writer } = logCollector();
    let isDone = false;
    const waiting = provideResource(places, pull, writer, new AbortController().signal).then(() => {
      isDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(isDone).toBe(false);
    // The other process finishes its pull: the copy in the workspace, then the marker.
    mkdirSync(join(places.workspace, '.cyclone', 'resources', 'src'), { recursive: true });
    writeFileSync(join(places.workspace, '.cyclone', 'resources', 'src', 'marker'), 'theirs');
    writeFileSync(join(places.pulls, 'src.ready'), '');
    rmSync(join(places.pulls, 'src.lock'), { recursive: true });
    await waiting;
    holder.kill();
    expect(lines).toEqual(['[cyclone] resource "src" is already pulled for this run']);
    expect(readFileSync(join(places.workspace, 'src', 'marker'), 'utf8')).toBe('theirs');
  });

  it('a stopped stage stops waiting', async () => {
    const places = placesIn(join(root, 'stopped'));
    mkdirSync(join(places.pulls, 'src.lock'), { recursive: true });
    writeFileSync(join(places.pulls, 'src.lock', 'owner'), `${hostname()} ${process.pid}\n`);
    const stop = new AbortController();
    const waiting = provideResource(places, pull, logCollector().writer, stop.signal);
    setTimeout(() => stop.abort(), 200);
    await expect(waiting).rejects.toThrow();
  });
});

describe('workspacePath', () => {
  it('takes stage paths inside the run workspace (/workspace is the workspace) and refuses a way out', () => {
    expect(workspacePath('/data/ws/r1', '/workspace/src')).toBe('/data/ws/r1/src');
    expect(workspacePath('/data/ws/r1', 'src')).toBe('/data/ws/r1/src');
    expect(workspacePath('/data/ws/r1', '/workspace')).toBe('/data/ws/r1');
    expect(workspacePath('/data/ws/r1', '/go/src/app')).toBe('/data/ws/r1/go/src/app');
    expect(workspacePath('/data/ws/r1', 'src/../out')).toBe('/data/ws/r1/out');
    expect(workspacePath('/data/ws/r1', '.')).toBe('/data/ws/r1');
    expect(() => workspacePath('/data/ws/r1', '../r2')).toThrow('path "../r2" leaves the run workspace');
    expect(() => workspacePath('/data/ws/r1', '/a/../../r2')).toThrow('leaves the run workspace');
    expect(() => workspacePath('/data/ws/r1', '/tmp/out')).toThrow('path "/tmp/out" is a system folder');
    expect(() => workspacePath('/data/ws/r1', '/')).toThrow('is the root folder');
  });
});
