import { describe, expect, it } from 'vitest';
import { computeTimeline, formatOffset, tickStepMs } from './timeline';

const T0 = Date.parse('2026-11-26T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describe('computeTimeline', () => {
  it('places finished, running and pending stages on one window', () => {
    const timeline = computeTimeline(
      [
        { name: 'a', phase: 'SUCCEEDED', startedAt: at(0), finishedAt: at(10) },
        { name: 'b', phase: 'RUNNING', startedAt: at(10), finishedAt: null },
        { name: 'c', phase: 'PENDING' },
      ],
      T0 + 40_000,
    );
    expect(timeline.startMs).toBe(T0);
    expect(timeline.endMs).toBe(T0 + 40_000);
    expect(timeline.bars[0]).toMatchObject({ start: 0, width: 0.25, durationMs: 10_000 });
    expect(timeline.bars[1]).toMatchObject({ start: 0.25, width: 0.75, durationMs: 30_000 });
    expect(timeline.bars[2]).toMatchObject({ start: null, width: null, durationMs: null });
    expect(timeline.ticks.map((t) => t.label)).toEqual(['0s', '10s', '20s', '30s', '40s']);
  });

  it('keeps a window of at least a second when nothing has started', () => {
    const timeline = computeTimeline([{ name: 'a', phase: 'PENDING' }], T0);
    expect(timeline.endMs - timeline.startMs).toBe(1000);
    expect(timeline.bars[0]?.start).toBeNull();
  });

  it('never gives a negative width when the clock is behind the server', () => {
    const timeline = computeTimeline([{ name: 'a', phase: 'RUNNING', startedAt: at(5) }], T0);
    expect(timeline.bars[0]?.width).toBe(0);
  });
});

describe('ticks and labels', () => {
  it('picks a round step for the span', () => {
    expect(tickStepMs(5_000)).toBe(1_000);
    expect(tickStepMs(50_000)).toBe(10_000);
    expect(tickStepMs(10 * 60_000)).toBe(120_000);
    expect(tickStepMs(3 * 3_600_000)).toBe(1_800_000);
  });

  it('formats offsets compactly', () => {
    expect(formatOffset(0)).toBe('0s');
    expect(formatOffset(45_000)).toBe('45s');
    expect(formatOffset(120_000)).toBe('2m');
    expect(formatOffset(150_000)).toBe('2m 30s');
    expect(formatOffset(3_900_000)).toBe('1h 05m');
  });
});
