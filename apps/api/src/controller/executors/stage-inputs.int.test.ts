import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installOutboundPolicy, OutboundPolicy } from '../../modules/outbound/outbound-policy.js';
import { allowLocalTestRepositories } from '../../testing/outbound-policies.js';
import { createGitRepository } from '../../testing/stage-io.js';
import type { LogWriter } from './log-writer.js';
import { provideResource, type ResourcePull, workspacePath } from './stage-inputs.js';

/** Collects lines the way LogWriter receives them (no database needed here). */
function collector() {
  const lines: string[] = [];
  const writer = {
    line: (_stream: string, text: string) => void lines.push(text),
    follow: (source: Readable) => {
      source.setEncoding('utf8');
      source.on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
    },
  };
  return { lines, writer: writer as unknown as LogWriter };
}

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
        const { lines, writer } = collector();
        await expect(provideResource(ws, { ...base, url }, writer, signal)).rejects.toThrow(
          /is a repository on the Cyclone server's own machine, which tenants may not fetch/,
        );
        expect(lines.some((l) => l.includes('checked out'))).toBe(false);
      }
      await expect(
        provideResource(ws, { ...base, url: `ext::sh -c touch% ${marker}` }, collector().writer, signal),
      ).rejects.toThrow(/a transport that runs a command/);
      // A loopback address other than the allowed one is refused by the same policy as every outbound call.
      await expect(
        provideResource(ws, { ...base, url: 'http://127.0.0.2:9/repo.git' }, collector().writer, signal),
      ).rejects.toThrow(/127\.0\.0\.2 is a loopback address/);
      expect(existsSync(marker)).toBe(false);
      expect(existsSync(join(ws, 'src'))).toBe(false);
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
    const ws = join(root, 'together');
    const [a, b] = [collector(), collector()];
    const signal = new AbortController().signal;
    await Promise.all([
      provideResource(ws, pull, a.writer, signal),
      provideResource(ws, { ...pull, path: '/workspace/code' }, b.writer, signal),
    ]);
    const pulls = [...a.lines, ...b.lines].filter((line) => line.startsWith('[cyclone] pulling'));
    expect(pulls).toHaveLength(1);
    expect(readFileSync(join(ws, 'src', 'version.txt'), 'utf8')).toBe('one\n');
    expect(readFileSync(join(ws, 'workspace', 'code', 'version.txt'), 'utf8')).toBe('one\n');
    expect(existsSync(join(ws, '.cyclone', 'resources', 'src.lock'))).toBe(false);
  });

  it('refuses to place a resource where another resource or a file already is', async () => {
    const ws = join(root, 'clash');
    const signal = new AbortController().signal;
    await provideResource(ws, pull, collector().writer, signal);
    await expect(provideResource(ws, { ...pull, name: 'other' }, collector().writer, signal)).rejects.toThrow(
      "src already holds another resource in this run's workspace",
    );
    writeFileSync(join(ws, 'taken'), 'x');
    await expect(provideResource(ws, { ...pull, path: 'taken' }, collector().writer, signal)).rejects.toThrow(
      "taken already exists in this run's workspace",
    );
  });

  it('takes over a lock whose owner died', async () => {
    const ws = join(root, 'stale');
    mkdirSync(join(ws, '.cyclone', 'resources', 'src.lock'), { recursive: true });
    const dead = spawn('true');
    await new Promise((resolve) => dead.once('close', resolve));
    writeFileSync(join(ws, '.cyclone', 'resources', 'src.lock', 'owner'), `${hostname()} ${dead.pid}\n`);
    const { lines, writer } = collector();
    await provideResource(ws, pull, writer, new AbortController().signal);
    expect(lines.filter((line) => line.startsWith('[cyclone] pulling'))).toHaveLength(1);
    expect(readFileSync(join(ws, 'src', 'version.txt'), 'utf8')).toBe('one\n');
  });

  it('waits while another live process holds the lock, then uses its pull', async () => {
    const ws = join(root, 'waiting');
    const resources = join(ws, '.cyclone', 'resources');
    mkdirSync(join(resources, 'src.lock'), { recursive: true });
    const holder = spawn('sleep', ['30']);
    writeFileSync(join(resources, 'src.lock', 'owner'), `${hostname()} ${holder.pid}\n`);
    const { lines, writer } = collector();
    let isDone = false;
    const waiting = provideResource(ws, pull, writer, new AbortController().signal).then(() => {
      isDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(isDone).toBe(false);
    // The other process finishes its pull.
    mkdirSync(join(resources, 'src'));
    writeFileSync(join(resources, 'src', 'marker'), 'theirs');
    writeFileSync(join(resources, 'src.ready'), '');
    rmSync(join(resources, 'src.lock'), { recursive: true });
    await waiting;
    holder.kill();
    expect(lines).toEqual(['[cyclone] resource "src" is already pulled for this run']);
    expect(readFileSync(join(ws, 'src', 'marker'), 'utf8')).toBe('theirs');
  });

  it('a stopped stage stops waiting', async () => {
    const ws = join(root, 'stopped');
    mkdirSync(join(ws, '.cyclone', 'resources', 'src.lock'), { recursive: true });
    writeFileSync(join(ws, '.cyclone', 'resources', 'src.lock', 'owner'), `${hostname()} ${process.pid}\n`);
    const stop = new AbortController();
    const waiting = provideResource(ws, pull, collector().writer, stop.signal);
    setTimeout(() => stop.abort(), 200);
    await expect(waiting).rejects.toThrow();
  });
});

describe('workspacePath', () => {
  it('takes container paths inside the run workspace and refuses a way out', () => {
    expect(workspacePath('/data/ws/r1', '/workspace/src')).toBe('/data/ws/r1/workspace/src');
    expect(workspacePath('/data/ws/r1', 'src/../out')).toBe('/data/ws/r1/out');
    expect(workspacePath('/data/ws/r1', '.')).toBe('/data/ws/r1');
    expect(() => workspacePath('/data/ws/r1', '../r2')).toThrow('path "../r2" leaves the run workspace');
    expect(() => workspacePath('/data/ws/r1', '/a/../../r2')).toThrow('leaves the run workspace');
  });
});
