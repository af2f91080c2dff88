import { describe, expect, it } from 'vitest';
import { MAX_LOG_SEARCH_CHARS, matchRanges, parseLogSearch } from './log-search.js';

describe('parseLogSearch', () => {
  it('splits words and keeps quoted phrases whole', () => {
    expect(parseLogSearch('OOMKilled "exit code  137"  app')).toEqual({
      terms: ['OOMKilled', 'exit code 137', 'app'],
    });
  });

  it('runs an unclosed quote to the end and drops repeated terms regardless of case', () => {
    expect(parseLogSearch('error "no such file')).toEqual({ terms: ['error', 'no such file'] });
    expect(parseLogSearch('Error error ERROR')).toEqual({ terms: ['Error'] });
  });

  it('keeps punctuation inside a term (code tokens and paths)', () => {
    expect(parseLogSearch('/var/lib/app.sock ENOENT:')).toEqual({ terms: ['/var/lib/app.sock', 'ENOENT:'] });
  });

  it('refuses what an index cannot narrow: empty, short-only and overlong queries', () => {
    expect(parseLogSearch('   ')).toEqual({ error: expect.stringContaining('is empty') });
    expect(parseLogSearch('""')).toEqual({ error: expect.stringContaining('is empty') });
    expect(parseLogSearch('a bc "->"')).toEqual({ error: expect.stringContaining('at least 3 letters or digits') });
    expect(parseLogSearch('x'.repeat(MAX_LOG_SEARCH_CHARS + 1))).toEqual({ error: expect.stringContaining('longer') });
    expect(parseLogSearch('a b c d e f g h i j')).toEqual({ error: expect.stringContaining('more than 8 terms') });
  });

  it('accepts a short term next to an indexable one', () => {
    expect(parseLogSearch('go panic')).toEqual({ terms: ['go', 'panic'] });
  });
});

describe('matchRanges', () => {
  it('finds every occurrence of every term, ignoring case, merged and sorted', () => {
    expect(matchRanges('OOMKilled then oomkilled', ['oomkilled'])).toEqual([
      [0, 9],
      [15, 24],
    ]);
    expect(matchRanges('exit code 137', ['code 137', 'exit code'])).toEqual([[0, 13]]);
    expect(matchRanges('nothing here', ['absent'])).toEqual([]);
  });
});
