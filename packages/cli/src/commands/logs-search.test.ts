import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { highlight, parseSince } from './logs-search.js';

describe('parseSince', () => {
  const now = Date.parse('2026-12-13T12:00:00Z');

  it('reads ages before now', () => {
    expect(parseSince('7d', now).toISOString()).toBe('2026-12-06T12:00:00.000Z');
    expect(parseSince('1d12h', now).toISOString()).toBe('2026-12-12T00:00:00.000Z');
    expect(parseSince('90m', now).toISOString()).toBe('2026-12-13T10:30:00.000Z');
    expect(parseSince('2w', now).toISOString()).toBe('2026-11-29T12:00:00.000Z');
  });

  it('reads dates and date-times', () => {
    expect(parseSince('2026-12-01', now).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(parseSince('2026-12-01T08:30:00Z', now).toISOString()).toBe('2026-12-01T08:30:00.000Z');
  });

  it('refuses anything else as a usage error', () => {
    for (const text of ['7', 'd7', 'yesterday', '7 days', '2026-13-45']) {
      expect(() => parseSince(text, now)).toThrow(UsageError);
    }
  });
});

describe('highlight', () => {
  it('paints every match on a terminal and leaves the text alone otherwise', () => {
    expect(highlight('reason=OOMKilled, oomkilled', ['OOMKilled'], true)).toBe(
      'reason=\u001b[91mOOMKilled\u001b[0m, \u001b[91moomkilled\u001b[0m',
    );
    expect(highlight('reason=OOMKilled', ['OOMKilled'], false)).toBe('reason=OOMKilled');
  });
});
