import { describe, expect, it } from 'vitest';
import { findMatches, LogBuffer, type LogLine, stepMatch } from './log-buffer';

const line = (seq: number, text = `line ${seq}`): LogLine => ({
  seq,
  stage: 'build',
  stream: 'STDOUT',
  line: text,
  timestamp: '2026-11-26T00:00:00.000Z',
});

describe('LogBuffer', () => {
  it('appends in order and reports the last seq', () => {
    const buffer = new LogBuffer();
    expect(buffer.lastSeq).toBe(0);
    expect(buffer.add([line(1), line(2), line(3)])).toBe(3);
    expect(buffer.lastSeq).toBe(3);
    expect(buffer.version).toBe(1);
  });

  it('drops lines it already has (an overlapping replay after a reconnect)', () => {
    const buffer = new LogBuffer();
    buffer.add([line(1), line(2), line(3)]);
    const version = buffer.version;
    expect(buffer.add([line(2), line(3)])).toBe(0);
    expect(buffer.version).toBe(version);
    expect(buffer.add([line(3), line(4)])).toBe(1);
    expect(buffer.lines.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
  });

  it('puts a late line into its place and reports gaps until it comes', () => {
    const buffer = new LogBuffer();
    buffer.add([line(1), line(2), line(5)]);
    expect(buffer.gaps()).toEqual([[3, 4]]);
    buffer.add([line(4), line(3)]);
    expect(buffer.lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(buffer.gaps()).toEqual([]);
  });

  it('holds 100k lines without copying per line', () => {
    const buffer = new LogBuffer();
    const batch = Array.from({ length: 100_000 }, (_, i) => line(i + 1));
    const started = performance.now();
    buffer.add(batch);
    buffer.add(batch.slice(50_000, 50_010));
    expect(buffer.size).toBe(100_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('search helpers', () => {
  it('finds lines case-insensitively on the text without escapes', () => {
    const lines = [line(1, 'Compiling'), line(2, '\x1b[31mERROR\x1b[0m x'), line(3, 'error again')];
    const strip = (text: string) => text.split('\x1b[31m').join('').split('\x1b[0m').join('');
    expect(findMatches(lines, 'error', strip)).toEqual([1, 2]);
    expect(findMatches(lines, '31m', strip)).toEqual([]);
    expect(findMatches(lines, '  ', strip)).toEqual([]);
  });

  it('steps through matches and wraps around', () => {
    expect(stepMatch(3, -1, 1)).toBe(0);
    expect(stepMatch(3, -1, -1)).toBe(2);
    expect(stepMatch(3, 2, 1)).toBe(0);
    expect(stepMatch(3, 0, -1)).toBe(2);
    expect(stepMatch(0, 0, 1)).toBe(-1);
  });
});
