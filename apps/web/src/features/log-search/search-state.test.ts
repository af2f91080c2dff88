import { describe, expect, it } from 'vitest';
import { readSearchState, searchHref, sinceInstant } from './search-state';

describe('log search address', () => {
  it('reads what it writes, dropping unknown time ranges and empty fields', () => {
    const state = { query: '"exit code 137" api', project: 'shop', workflow: '', since: '7d' as const };
    const href = searchHref(state);
    expect(href).toBe('/logs?q=%22exit+code+137%22+api&project=shop&since=7d');
    expect(readSearchState(Object.fromEntries(new URL(href, 'http://x').searchParams))).toEqual(state);
    expect(readSearchState({ q: ['OOMKilled', 'x'], since: 'forever' })).toEqual({
      query: 'OOMKilled',
      project: '',
      workflow: '',
      since: '',
    });
    expect(searchHref({ query: '  ', project: '', workflow: '', since: '' })).toBe('/logs');
  });

  it('turns a range into the instant it starts at', () => {
    const now = Date.parse('2026-12-13T12:00:00Z');
    expect(sinceInstant('24h', now)).toBe('2026-12-12T12:00:00.000Z');
    expect(sinceInstant('', now)).toBeUndefined();
  });
});
