import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from './pg-timestamps.js';

const parseSlowly = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => unknown;

/** What both parsers return, comparable (a Date's time, or the value itself when not a Date). */
const comparable = (value: unknown) => (value instanceof Date ? value.getTime() : value);

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A timestamptz as Postgres writes it with DateStyle ISO and some TimeZone. */
const pgText = fc
  .record({
    time: fc.date({
      min: new Date('1000-01-02T00:00:00Z'),
      max: new Date('9999-12-30T00:00:00Z'),
      noInvalidDate: true,
    }),
    micros: fc.integer({ min: 0, max: 999_999 }),
    fractionDigits: fc.integer({ min: 0, max: 6 }),
    offsetMinutes: fc.constantFrom(0, 60, -300, 330, 345, -570, 840, -720),
  })
  .map(({ time, micros, fractionDigits, offsetMinutes }) => {
    const local = new Date(time.getTime() + offsetMinutes * 60_000);
    const fraction = fractionDigits === 0 ? '' : `.${pad(micros, 6).slice(0, fractionDigits)}`;
    const sign = offsetMinutes < 0 ? '-' : '+';
    const hours = pad(Math.floor(Math.abs(offsetMinutes) / 60), 2);
    const minutes = Math.abs(offsetMinutes) % 60;
    return (
      `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1, 2)}-${pad(local.getUTCDate(), 2)} ` +
      `${pad(local.getUTCHours(), 2)}:${pad(local.getUTCMinutes(), 2)}:${pad(local.getUTCSeconds(), 2)}` +
      `${fraction}${sign}${hours}${minutes ? `:${pad(minutes, 2)}` : ''}`
    );
  });

describe('parseTimestamptz', () => {
  it("reads every timestamptz Postgres writes as pg's own parser does", () => {
    fc.assert(
      fc.property(pgText, (text) => {
        expect(comparable(parseTimestamptz(text)), text).toBe(comparable(parseSlowly(text)));
      }),
      { numRuns: 5_000 },
    );
    expect(parseTimestamptz('2026-12-07 18:22:40.123456+00').toISOString()).toBe('2026-12-07T18:22:40.123Z');
    expect(parseTimestamptz('2026-12-07 23:52:40.5+05:30').toISOString()).toBe('2026-12-07T18:22:40.500Z');
  });

  it("hands what it does not read by position to pg's parser", () => {
    for (const text of [
      'infinity',
      '-infinity',
      '0044-03-15 12:00:00+00 BC',
      '0099-01-01 00:00:00+00',
      '1883-11-18 11:59:59+05:53:28',
      '12026-01-01 00:00:00+00',
      '2026-12-07 18:22:40+0',
    ]) {
      expect(comparable(parseTimestamptz(text)), text).toEqual(comparable(parseSlowly(text)));
    }
  });
});
