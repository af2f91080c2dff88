import { describe, expect, it } from 'vitest';
import { filterByQuery } from './name-filter';

const REPOS = ['acme/web', 'acme/api', 'tools/webhooks', 'Web-Team/site'];

describe('filterByQuery', () => {
  it('returns everything, in order, for an empty query', () => {
    expect(filterByQuery(REPOS, '  ')).toEqual(REPOS);
  });

  it('matches case-insensitively and ranks prefixes first', () => {
    expect(filterByQuery(REPOS, 'WEB')).toEqual(['Web-Team/site', 'acme/web', 'tools/webhooks']);
  });

  it('needs every word of the query', () => {
    expect(filterByQuery(REPOS, 'acme api')).toEqual(['acme/api']);
    expect(filterByQuery(REPOS, 'nothing')).toEqual([]);
  });
});
