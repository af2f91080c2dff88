import { describe, expect, it } from 'vitest';
import type { LogLine } from './log-buffer';
import { clockText, linesUntil, phasesAt, type ReplayStage, replaySpan } from './replay';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const stage = (name: string, phase: string, start: number | null, end: number | null, message = ''): ReplayStage => ({
  name,
  phase,
  attempt: 1,
  startedAt: start === null ? null : iso(start),
  finishedAt: end === null ? null : iso(end),
  message,
});

const stages = [
  stage('build', 'SUCCEEDED', 0, 10),
  stage('test', 'FAILED', 10, 25),
  stage('deploy', 'SKIPPED', null, 25, 'skipped: an upstream stage failed'),
  stage('never', 'CANCELLED', null, null),
];

describe('replaySpan', () => {
  it('runs from the first start to the last end', () => {
    expect(replaySpan({ startedAt: iso(-1), finishedAt: iso(26) }, stages)).toEqual({
      start: T0 - 1000,
      end: T0 + 26_000,
    });
    expect(replaySpan({ startedAt: null, finishedAt: null }, [stage('x', 'SKIPPED', null, null)])).toBeNull();
  });
});

describe('phasesAt', () => {
  it('shows each stage pending, running or ended as it stood then', () => {
    const at = (seconds: number) =>
      Object.fromEntries(Object.entries(phasesAt(stages, T0 + seconds * 1000)).map(([name, p]) => [name, p.phase]));
    expect(at(-1)).toEqual({ build: 'PENDING', test: 'PENDING', deploy: 'PENDING', never: 'PENDING' });
    expect(at(5)).toEqual({ build: 'RUNNING', test: 'PENDING', deploy: 'PENDING', never: 'PENDING' });
    expect(at(12)).toEqual({ build: 'SUCCEEDED', test: 'RUNNING', deploy: 'PENDING', never: 'PENDING' });
    expect(at(25)).toEqual({ build: 'SUCCEEDED', test: 'FAILED', deploy: 'SKIPPED', never: 'PENDING' });
  });

  it('counts a running stage to the replayed moment, and keeps a skipped stage’s reason', () => {
    expect(phasesAt(stages, T0 + 4_000).build).toEqual({ phase: 'RUNNING', startedAt: iso(0), finishedAt: iso(4) });
    expect(phasesAt(stages, T0 + 30_000).deploy?.reason).toBe('an upstream stage failed');
  });

  it('shows an approval stage waiting, not running, until it was decided', () => {
    const gate = { ...stage('sign-off', 'SUCCEEDED', 10, 40), approval: { count: 1 } };
    expect(phasesAt([gate], T0 + 20_000)['sign-off']?.phase).toBe('WAITING');
    expect(phasesAt([gate], T0 + 40_000)['sign-off']?.phase).toBe('SUCCEEDED');
  });
});

describe('linesUntil', () => {
  const lines: LogLine[] = [0, 1, 1, 3, 8].map((seconds, index) => ({
    seq: index + 1,
    stage: 'build',
    stream: 'STDOUT',
    line: `line ${index + 1}`,
    timestamp: iso(seconds),
  }));

  it('gives the lines written by then, a prefix in seq order', () => {
    expect(linesUntil(lines, T0 - 1).map((line) => line.seq)).toEqual([]);
    expect(linesUntil(lines, T0 + 1_000).map((line) => line.seq)).toEqual([1, 2, 3]);
    expect(linesUntil(lines, T0 + 7_999).map((line) => line.seq)).toEqual([1, 2, 3, 4]);
    expect(linesUntil(lines, T0 + 60_000)).toBe(lines);
  });
});

describe('clockText', () => {
  it('reads like a player', () => {
    expect([0, 5_400, 65_000, 3_725_000].map(clockText)).toEqual(['0:00', '0:05', '1:05', '1:02:05']);
  });
});
