/**
 * The log search language, read the same way by the API (which turns the terms into
 * trigram-indexed ILIKE conditions) and the web (which highlights them): plain words
 * and "quoted phrases", separated by spaces. A line matches when it contains every
 * term, ignoring case, anywhere in the line (so `OOMKilled` finds `reason=OOMKilled`).
 */

/** Longest query accepted. */
export const MAX_LOG_SEARCH_CHARS = 200;
/** Most terms in one query. */
export const MAX_LOG_SEARCH_TERMS = 8;
/**
 * A trigram index can only narrow a search by a run of this many letters or digits;
 * a query needs one such term (shorter terms still filter the lines found).
 */
export const MIN_INDEXED_TERM_CHARS = 3;

export type LogSearchParse = { terms: string[] } | { error: string };

/** Splits a query into terms; an unclosed quote runs to the end of the query. */
export function parseLogSearch(query: string): LogSearchParse {
  if (query.length > MAX_LOG_SEARCH_CHARS) return { error: `is longer than ${MAX_LOG_SEARCH_CHARS} characters` };
  const terms: string[] = [];
  const pattern = /"([^"]*)"?|(\S+)/g;
  for (let match = pattern.exec(query); match; match = pattern.exec(query)) {
    const term = (match[1] ?? match[2] ?? '').trim().replace(/\s+/g, ' ');
    if (term !== '' && !terms.some((t) => t.toLowerCase() === term.toLowerCase())) terms.push(term);
  }
  if (terms.length === 0) return { error: 'is empty: type a word or a "quoted phrase"' };
  if (terms.length > MAX_LOG_SEARCH_TERMS) return { error: `has more than ${MAX_LOG_SEARCH_TERMS} terms` };
  const indexed = new RegExp(`[\\p{L}\\p{N}]{${MIN_INDEXED_TERM_CHARS}}`, 'u');
  if (!terms.some((t) => indexed.test(t))) {
    return { error: `needs a word of at least ${MIN_INDEXED_TERM_CHARS} letters or digits` };
  }
  return { terms };
}

/** Where the terms occur in a line, as sorted, non-overlapping [start, end) ranges (case ignored). */
export function matchRanges(text: string, terms: readonly string[]): [number, number][] {
  const lower = text.toLowerCase();
  const ranges: [number, number][] = [];
  for (const term of terms) {
    const needle = term.toLowerCase();
    if (needle === '') continue;
    for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + needle.length)) {
      ranges.push([at, at + needle.length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}
