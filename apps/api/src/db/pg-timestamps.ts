import pg from 'pg';

const parseTimestamptzSlowly = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;

const ZERO = 48;

/** The decimal number in text[from, to), or NaN when a character is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * A timestamptz as Postgres writes it (DateStyle ISO: `2026-12-07 18:22:40.123456+00`,
 * the offset that of the session's TimeZone, `+05:30` where it has minutes), read by
 * position. pg's parser (postgres-date) matches regular expressions, and a list of
 * runs has several timestamps per row: it was the largest single cost of the run list
 * after garbage collection. Anything else (BC dates, infinity, an offset with seconds,
 * a year before 1000) goes to pg's parser, so the answer is always the same as its.
 */
export function parseTimestamptz(text: string): Date {
  const length = text.length;
  if (length < 22 || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') {
    return parseTimestamptzSlowly(text);
  }
  let at = 19;
  let millis = 0;
  if (text[at] === '.') {
    let end = at + 1;
    while (end < length && text.charCodeAt(end) >= ZERO && text.charCodeAt(end) <= ZERO + 9) end++;
    // Milliseconds are the first three digits; further ones are cut, as pg's parser does.
    const digits = text.slice(at + 1, Math.min(end, at + 4)).padEnd(3, '0');
    millis = digitsAt(digits, 0, 3);
    at = end;
  }
  const sign = text[at] === '+' ? 1 : text[at] === '-' ? -1 : 0;
  const hasMinutes = length === at + 6 && text[at + 3] === ':';
  if (sign === 0 || !(length === at + 3 || hasMinutes)) return parseTimestamptzSlowly(text);
  const year = digitsAt(text, 0, 4);
  const offsetMinutes = digitsAt(text, at + 1, at + 3) * 60 + (hasMinutes ? digitsAt(text, at + 4, at + 6) : 0);
  const time = Date.UTC(
    year,
    digitsAt(text, 5, 7) - 1,
    digitsAt(text, 8, 10),
    digitsAt(text, 11, 13),
    digitsAt(text, 14, 16),
    digitsAt(text, 17, 19),
    millis,
  );
  if (year < 1000 || Number.isNaN(time) || Number.isNaN(offsetMinutes)) return parseTimestamptzSlowly(text);
  return new Date(time - sign * offsetMinutes * 60_000);
}

/** pg's type parsers, but for timestamptz (parseTimestamptz). */
export const fastTimestampTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.TIMESTAMPTZ && format !== 'binary'
      ? parseTimestamptz
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};
